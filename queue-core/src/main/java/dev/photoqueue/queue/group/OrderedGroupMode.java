package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * ORDERED mode: each partition has at most one owner, chosen by the assignor of the newest
 * member, and its live state is the group's {@link PartitionProgress}.
 *
 * <p>Every join, leave or expiry rebalances at once. A partition whose owner is gone moves at
 * once; a partition to be taken from a live owner is first revoked: the owner is told at its next
 * poll, may finish its in-flight records, and confirms; only then does the new owner get it
 * (cooperative rebalancing: the partitions that stay put keep flowing meanwhile).
 *
 * <p>Thread rule: every method but {@link #forEachState} runs under the group's monitor.
 */
final class OrderedGroupMode implements GroupMode {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedGroupMode.class);

    private final Group group;
    private PartitionAssignor assignor = new StickyAssignor();

    OrderedGroupMode(Group group) {
        this.group = group;
    }

    @Override
    public ConsumptionMode mode() {
        return ConsumptionMode.ORDERED;
    }

    @Override
    public void joined(Member member) {
        // The assignment strategy is the one of the newest member, as configured for its group.
        assignor = switch (member.config.assignor()) {
            case RANGE -> new RangeAssignor();
            case STICKY -> new StickyAssignor();
        };
        rebalance();
    }

    /** The member's partitions move at once; its unacked records go to the next owners. */
    @Override
    public void removed(Member member) {
        for (TopicPartition tp : member.owned) {
            group.progress(tp).transferTo(null);
        }
        member.owned.clear();
        rebalance();
    }

    @Override
    public void forEachState(BiConsumer<TopicPartition, PartitionState> action) {
        group.progress.forEach(action);
    }

    @Override
    public PartitionState stateOf(TopicPartition tp) {
        return group.progress.get(tp);
    }

    @Override
    public void reset(TopicPartition tp, long offset) {
        // The group's position is the live state: moved already.
    }

    @Override
    public void expireLocks(long nowNanos) {
        // No locks: a partition's records go to its owner only.
    }

    @Override
    public Map<TopicPartition, Integer> lockedBy(Member member) {
        return Map.of();
    }

    private void rebalance() {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> partitionCounts = new TreeMap<>();
        for (Member m : group.members.values()) {
            subscriptions.put(m.memberId, m.topics);
            for (String topic : m.topics) {
                if (!partitionCounts.containsKey(topic)) {
                    try {
                        partitionCounts.put(topic, group.source.partitionCount(topic));
                    } catch (UnknownTopicException e) {
                        LOG.warn("group {} subscribes to unknown topic {}; it gets no partitions", group.groupId, topic);
                    }
                }
            }
        }
        Map<TopicPartition, String> currentOwners = new HashMap<>();
        group.progress.forEach((tp, p) -> {
            Member owner = p.owner();
            if (owner != null && !owner.removed) {
                currentOwners.put(tp, owner.memberId);
            }
        });
        Map<String, Set<TopicPartition>> target = assignor.assign(subscriptions, partitionCounts, currentOwners);
        Map<TopicPartition, Member> targetOwner = new HashMap<>();
        target.forEach((memberId, tps) -> tps.forEach(tp -> targetOwner.put(tp, group.members.get(memberId))));
        for (Map.Entry<TopicPartition, Member> e : targetOwner.entrySet()) {
            moveTowards(e.getKey(), e.getValue());
        }
        for (Member m : group.members.values()) {
            for (TopicPartition tp : List.copyOf(m.owned)) {
                if (!targetOwner.containsKey(tp)) {
                    takeFrom(m, tp, null);
                }
            }
        }
    }

    private void moveTowards(TopicPartition tp, Member next) {
        PartitionProgress p = group.progress(tp);
        if (!p.isInitialized()) {
            // Persisted at once, so a restart does not start over from a later "latest".
            p.initialize(CommittedPosition.at(group.startOffset(tp, next)), true);
        }
        Member owner = p.owner();
        if (owner == next) {
            p.cancelRevocation();
        } else if (owner == null || owner.removed) {
            p.transferTo(next);
            next.owned.add(tp);
        } else {
            takeFrom(owner, tp, next);
        }
    }

    /**
     * Takes {@code tp} from its live owner for {@code next} (null: nobody). An owner that was told
     * it has the partition gives it up at its next poll, after its revoke callback; one that was
     * never told has read nothing of it, so it moves at once and the owner hears nothing of it.
     */
    private void takeFrom(Member owner, TopicPartition tp, Member next) {
        PartitionProgress p = group.progress(tp);
        if (owner.reported.contains(tp)) {
            p.requestRevocation(next);
            return;
        }
        owner.owned.remove(tp);
        p.transferTo(next);
        if (next != null) {
            next.owned.add(tp);
        }
    }

    /** What the live {@code member} must be told now: partitions to give up and partitions gained. */
    AssignmentChange assignmentChange(Member member) {
        List<TopicPartition> revoked = new ArrayList<>();
        List<TopicPartition> assigned = new ArrayList<>();
        for (TopicPartition tp : member.owned) {
            if (group.progress(tp).isRevoking()) {
                revoked.add(tp);
            } else if (member.reported.add(tp)) {
                assigned.add(tp);
            }
        }
        if (revoked.isEmpty() && assigned.isEmpty()) {
            return AssignmentChange.NONE;
        }
        return new AssignmentChange(List.of(), revoked, assigned);
    }

    /** The live member gave these partitions up: they go to their pending owners now. */
    void confirmRevoked(Member member, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionProgress p = group.progress(tp);
            if (p.owner() != member) {
                continue;
            }
            if (!p.isRevoking()) {
                // A rebalance cancelled the revocation after the member was told. It has given the
                // partition up (its unacked records included), so it takes it anew: from the
                // committed position, and told again at its next sync.
                if (member.reported.remove(tp)) {
                    p.transferTo(member);
                }
                continue;
            }
            Member next = p.completeRevocation();
            member.owned.remove(tp);
            member.reported.remove(tp);
            if (next != null) {
                next.owned.add(tp);
            }
        }
    }

    /** Partitions the live member may fetch now: owned and not being revoked. */
    List<TopicPartition> fetchable(Member member) {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicPartition tp : member.reported) {
            if (member.owned.contains(tp) && !group.progress(tp).isRevoking()) {
                out.add(tp);
            }
        }
        return out;
    }
}
