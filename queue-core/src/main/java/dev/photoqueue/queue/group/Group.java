package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/**
 * One consumer group: its members, its position per partition, and its mode, which decides how
 * records reach the members ({@link OrderedGroupMode}: partitions assigned to members;
 * {@link SharedGroupMode}: records locked to members). All members of a group share one mode, the
 * first member's; an empty group changes mode with its next member, and the positions move over,
 * so the new mode starts where the old one stopped.
 *
 * <p>Thread rule: membership and ownership change under this object's monitor; progress under each
 * {@link PartitionState}'s own, always taken after this one.
 */
final class Group {

    private static final Logger LOG = LoggerFactory.getLogger(Group.class);

    final String groupId;
    final PartitionSource source;
    /** Guarded by this object's monitor. */
    final SortedMap<String, Member> members = new TreeMap<>();
    /**
     * The group's position per partition: in ORDERED mode the live progress; in SHARED mode where
     * each partition's shared state starts from (loaded at start, or set by a reset).
     */
    final Map<TopicPartition, PartitionProgress> progress = new ConcurrentSkipListMap<>();
    /** ORDERED, with the positions loaded at start, until a member joins in SHARED mode. */
    private volatile GroupMode mode = new OrderedGroupMode(this);
    private int generation;

    Group(String groupId, PartitionSource source) {
        this.groupId = groupId;
        this.source = source;
    }

    synchronized int generation() {
        return generation;
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized List<Member> members() {
        return new ArrayList<>(members.values());
    }

    PartitionProgress progress(TopicPartition tp) {
        return progress.computeIfAbsent(tp, PartitionProgress::new);
    }

    /** Where a partition the group has no position on starts for {@code member}: its {@code autoOffsetReset}. */
    long startOffset(TopicPartition tp, Member member) {
        return switch (member.config.autoOffsetReset()) {
            case EARLIEST -> source.startOffset(tp);
            case LATEST -> source.endOffset(tp);
        };
    }

    /**
     * The SHARED state of {@code tp} for {@code member}. {@link FencedMemberException} when the
     * group consumes in ORDERED mode now: the member was removed, and the group joined again.
     */
    SharedPartitionState shared(TopicPartition tp, Member member) {
        GroupMode current = mode;
        if (current instanceof SharedGroupMode shared) {
            return shared.state(tp, member);
        }
        throw new FencedMemberException(groupId, member.memberId, tp, "it was removed from the group ("
                + member.removedBecause + "), which consumes in " + current.mode() + " mode now");
    }

    /** The live state of each partition the group has a position on, as its mode keeps it. */
    void forEachState(BiConsumer<TopicPartition, PartitionState> action) {
        mode.forEachState(action);
    }

    /** The live state of {@code tp} in the group's current mode, or null when the group has no position on it. */
    PartitionState stateOf(TopicPartition tp) {
        return mode.stateOf(tp);
    }

    /** Moves the group's position on {@code tp} to {@code offset}; the caller persists it. */
    void reset(TopicPartition tp, long offset) {
        PartitionProgress p = progress(tp);
        p.initialize(CommittedPosition.at(offset), true);
        p.reset(offset);
        mode.reset(tp, offset);
    }

    void expireLocks(long nowNanos) {
        mode.expireLocks(nowNanos);
    }

    private void switchMode(ConsumptionMode wanted) {
        if (mode instanceof SharedGroupMode shared) {
            shared.handOverPositions();
        }
        // A group that never had a member starts in the first member's mode without switching.
        if (generation > 0) {
            LOG.info("group {} switches from {} to {} mode", groupId, mode.mode(), wanted);
        }
        // Either way the SHARED states go: to SHARED they are rebuilt from the ORDERED positions.
        mode = wanted == ConsumptionMode.ORDERED ? new OrderedGroupMode(this) : new SharedGroupMode(this);
    }

    synchronized void join(Member member) {
        ConsumptionMode wanted = member.config.mode();
        if (mode.mode() != wanted) {
            if (!members.isEmpty()) {
                throw new InvalidConfigException("mode", wanted.name(), "group " + groupId + " consumes in "
                        + mode.mode() + " mode (its first member's); a member cannot join it in " + wanted + " mode");
            }
            switchMode(wanted);
        }
        members.put(member.memberId, member);
        membershipLog().log("member {} joined group {} for {}{}", member.memberId, groupId, member.topics,
                wanted == ConsumptionMode.SHARED ? " (shared mode)" : "");
        generation++;
        mode.joined(member);
    }

    /**
     * Where a member joining or leaving is logged: info, except for the queue's internal groups
     * ({@value Admin#INTERNAL_PREFIX}...), whose members come and go with every listing of dead letters.
     */
    private LoggingEventBuilder membershipLog() {
        return LOG.atLevel(groupId.startsWith(Admin.INTERNAL_PREFIX) ? Level.DEBUG : Level.INFO);
    }

    /** Removes the member; its mode hands what it held (partitions, locked records) to the others. */
    synchronized void remove(Member member, String because) {
        if (members.remove(member.memberId) == null) {
            return;
        }
        member.removedBecause = because;
        member.removed = true;
        membershipLog().log("member {} left group {} ({}); {} members remain", member.memberId, groupId, because,
                members.size());
        generation++;
        mode.removed(member);
    }

    /** What {@code member} must be told now; see {@link AssignmentChange}. */
    synchronized AssignmentChange sync(Member member) {
        if (member.removed) {
            List<TopicPartition> lost = new ArrayList<>(member.reported);
            member.reported.clear();
            return new AssignmentChange(lost, List.of(), List.of());
        }
        return ordered().assignmentChange(member);
    }

    /** The member gave these partitions up: they go to their pending owners now. */
    synchronized void confirmRevoked(Member member, Collection<TopicPartition> partitions) {
        // A removed member owns nothing any more: what it gave up has moved already.
        if (!member.removed) {
            ordered().confirmRevoked(member, partitions);
        }
    }

    /** Partitions the member may fetch now: owned and not being revoked. */
    synchronized List<TopicPartition> fetchable(Member member) {
        return member.removed ? new ArrayList<>() : ordered().fetchable(member);
    }

    /** The ORDERED mode, which a live member of a group that assigns partitions finds. */
    private OrderedGroupMode ordered() {
        if (mode instanceof OrderedGroupMode ordered) {
            return ordered;
        }
        throw new IllegalStateException("group " + groupId + " consumes in " + mode.mode()
                + " mode, which assigns no partitions");
    }

    synchronized GroupDescription.MemberDescription describe(Member m) {
        return new GroupDescription.MemberDescription(m.memberId, m.config.clientId(), new ArrayList<>(m.owned),
                mode.lockedBy(m));
    }
}
