package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.group.GroupSession;

/**
 * What the two in-house group consumers ({@link InhouseGroupConsumer}, ORDERED, and
 * {@link InhouseSharedConsumer}, SHARED) are alike in: a member of {@code config.groupId()}
 * through an {@link InhouseMembership}, whose commit is its session's. Each mode adds how it
 * reads and settles records. Not thread-safe, as the consumers are not.
 */
abstract sealed class InhouseMember<S extends GroupSession> implements GroupConsumer
        permits InhouseGroupConsumer, InhouseSharedConsumer {

    final InhouseMembership<S> membership;
    final GroupConsumerConfig config;

    InhouseMember(InhouseMembership<S> membership, GroupConsumerConfig config) {
        this.membership = membership;
        this.config = config;
    }

    /** Makes every settlement so far durable; {@link IllegalStateException} before subscribe. */
    @Override
    public final void commitSync() {
        membership.session().commitSync();
    }

    @Override
    public final String groupId() {
        return config.groupId();
    }

    @Override
    public final String memberId() {
        return membership.memberId();
    }

    /** The backend this member reads from: a transaction may only ack inputs of its own backend. */
    final InhouseBackend backend() {
        return membership.backend();
    }
}
