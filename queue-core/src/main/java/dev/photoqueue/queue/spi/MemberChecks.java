package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.QueueClosedException;

import java.util.Set;

/**
 * The checks a group member of any backend makes before it serves a call, so that every backend
 * refuses a closed or unsubscribed member alike. Stateless; the caller owns its flags and, if it
 * is shared between threads, guards them.
 */
public final class MemberChecks {

    private MemberChecks() {
    }

    /** {@link QueueClosedException} once the member of {@code groupId} is closed. */
    public static void ensureOpen(boolean closed, String groupId) {
        if (closed) {
            throw new QueueClosedException("group consumer of group " + groupId);
        }
    }

    /** As {@link #ensureOpen}, then {@link IllegalStateException} while the member has not subscribed. */
    public static void ensureSubscribed(boolean closed, boolean subscribed, String groupId) {
        ensureOpen(closed, groupId);
        if (!subscribed) {
            throw new IllegalStateException("subscribe before polling or acking (group " + groupId + ")");
        }
    }

    /**
     * As {@link #ensureOpen}, then {@link IllegalStateException} naming the member and its topics once
     * it has subscribed: a member subscribes once, for good.
     */
    public static void ensureUnsubscribed(boolean closed, boolean subscribed, String groupId, String memberId,
                                          Set<String> topics) {
        ensureOpen(closed, groupId);
        if (subscribed) {
            throw new IllegalStateException("member " + memberId + " is already subscribed to " + topics);
        }
    }
}
