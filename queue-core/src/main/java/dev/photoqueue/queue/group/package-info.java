/**
 * Consumer groups: which member owns which partition, and how far the group has got.
 *
 * <p>The {@link dev.photoqueue.queue.group.GroupCoordinator} keeps, per group, its members and
 * per partition a {@code PartitionProgress}: the owner, the committed position (the first record
 * not yet acked), the records acked out of order above it, and where the owner reads next. A
 * consumer of any storage talks to it through a {@link dev.photoqueue.queue.group.MemberSession};
 * this layer never reads records itself and reaches storage only through two narrow interfaces,
 * {@link dev.photoqueue.queue.group.PartitionSource} (partition counts and extents) and
 * {@link dev.photoqueue.queue.group.GroupStateStore} (durable positions).
 *
 * <h2>Modes</h2>
 * A group consumes in the mode of its first member, which a {@code GroupMode} strategy carries:
 * ORDERED ({@code OrderedGroupMode}) assigns partitions as below; SHARED ({@code SharedGroupMode})
 * assigns none and locks records one by one to members, each partition's state a
 * {@code SharedPartitionState}. Both partition states keep which records are done in a
 * {@code DoneOffsets}; both sessions ({@link dev.photoqueue.queue.group.MemberSession},
 * {@link dev.photoqueue.queue.group.SharedSession}) are a
 * {@link dev.photoqueue.queue.group.GroupSession}.
 *
 * <h2>Rebalancing</h2>
 * Every join, leave or expiry recomputes the assignment with the group's assignor (range or
 * sticky). Partitions whose owner is gone move at once. Partitions to be taken from a live owner
 * are revoked cooperatively: the owner learns it at its next poll, runs its revoke callback (and
 * may ack what it still holds), and confirms; only then does the next owner read them, from the
 * committed position. Partitions that stay put never stop.
 *
 * <h2>Fencing</h2>
 * Acks are checked against the partition's current owner: once a partition has moved, the old
 * owner's acks fail with {@link dev.photoqueue.queue.api.FencedMemberException} and change
 * nothing, so a slow member that was presumed dead cannot move the new owner's position.
 *
 * <h2>Durability</h2>
 * Positions are written to the store every 100 ms when changed, at ownership changes, on leave and
 * on request; under at-most-once, before records are handed out. A crash therefore redelivers at
 * most what was acked in the last 100 ms besides what was not acked at all.
 */
package dev.photoqueue.queue.group;
