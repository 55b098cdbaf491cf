package dev.photoqueue.queue.group;

/** A position to persist, and the version of the state it was taken at: durable once its write completes. */
record PendingPosition(CommittedPosition position, long version) {
}
