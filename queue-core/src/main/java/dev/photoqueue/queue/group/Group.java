package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.InvalidConfigException;
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
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One consumer group: its members, the owner of each partition, and its progress per partition.
 *
 * <p>Membership changes (join, leave, expiry) rebalance at once. A partition whose owner is gone
 * moves at once; a partition to be taken from a live owner is first revoked: the owner is told at
 * its next poll, may finish its in-flight records, and confirms; only then does the new owner get
 * it (cooperative rebalancing: the partitions that stay put keep flowing meanwhile).
 *
 * <p>Thread rule: membership and ownership change under this object's monitor; progress under each
 * {@link PartitionProgress}'s own, always taken after this one.
 */
final class Group {

    private static final Logger LOG = LoggerFactory.getLogger(Group.class);

    final String groupId;
    private final PartitionSource source;
    private final SortedMap<String, Member> members = new TreeMap<>();
    final Map<TopicPartition, PartitionProgress> progress = new ConcurrentSkipListMap<>();
    /** SHARED mode's progress; {@code progress} then only holds positions loaded at start, to begin from. */
    final Map<TopicPartition, SharedPartitionState> shared = new ConcurrentSkipListMap<>();
    /** The mode of the first member; null before any member joined. */
    private volatile ConsumptionMode mode;
    private int generation;
    private PartitionAssignor assignor = new StickyAssignor();

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

    ConsumptionMode mode() {
        return mode;
    }

    /**
     * The SHARED state of {@code tp}, created on first use from the position loaded at start, or
     * where the member's {@code autoOffsetReset} says.
     */
    SharedPartitionState shared(TopicPartition tp, Member member) {
        SharedPartitionState state = shared.computeIfAbsent(tp, SharedPartitionState::new);
        if (!state.isInitialized()) {
            PartitionProgress loaded = progress.get(tp);
            if (loaded != null && loaded.isInitialized()) {
                state.initialize(loaded.position(), false);
            } else {
                long start = switch (member.config.autoOffsetReset()) {
                    case EARLIEST -> source.startOffset(tp);
                    case LATEST -> source.endOffset(tp);
                };
                state.initialize(CommittedPosition.at(start), true);
            }
        }
        return state;
    }

    /**
     * An empty group changes mode with its next member: the positions move over, so the new mode
     * starts where the old one stopped (SHARED locks are gone with their members).
     */
    private void switchMode(ConsumptionMode wanted) {
        if (wanted == ConsumptionMode.ORDERED) {
            shared.forEach((tp, state) -> {
                PartitionProgress p = new PartitionProgress(tp);
                p.initialize(state.position(), true);
                progress.put(tp, p);
            });
        }
        // Either way the SHARED states go: to SHARED they are rebuilt from the ORDERED positions.
        shared.clear();
        LOG.info("group {} switches from {} to {} mode", groupId, mode, wanted);
    }

    synchronized void join(Member member) {
        ConsumptionMode wanted = member.config.mode();
        if (members.isEmpty()) {
            if (mode != null && mode != wanted) {
                switchMode(wanted);
            }
            mode = wanted;
        } else if (mode != wanted) {
            throw new InvalidConfigException("mode", wanted.name(), "group " + groupId + " consumes in " + mode
                    + " mode (its first member's); a member cannot join it in " + wanted + " mode");
        }
        if (mode == ConsumptionMode.SHARED) {
            members.put(member.memberId, member);
            LOG.info("member {} joined group {} for {} (shared mode)", member.memberId, groupId, member.topics);
            generation++;
            return;
        }
        // The assignment strategy is the one of the newest member, as configured for its group.
        assignor = switch (member.config.assignor()) {
            case RANGE -> new RangeAssignor();
            case STICKY -> new StickyAssignor();
        };
        members.put(member.memberId, member);
        LOG.info("member {} joined group {} for {}", member.memberId, groupId, member.topics);
        rebalance();
    }

    /** Removes the member; its partitions move at once and its unacked records go to the next owners. */
    synchronized void remove(Member member, String because) {
        if (members.remove(member.memberId) == null) {
            return;
        }
        member.removedBecause = because;
        member.removed = true;
        for (TopicPartition tp : member.owned) {
            progress(tp).transferTo(null);
        }
        member.owned.clear();
        LOG.info("member {} left group {} ({}); {} members remain", member.memberId, groupId, because, members.size());
        if (mode == ConsumptionMode.SHARED) {
            shared.values().forEach(state -> state.releaseAll(member));
            generation++;
            return;
        }
        rebalance();
    }

    private void rebalance() {
        generation++;
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> partitionCounts = new TreeMap<>();
        for (Member m : members.values()) {
            subscriptions.put(m.memberId, m.topics);
            for (String topic : m.topics) {
                if (!partitionCounts.containsKey(topic)) {
                    try {
                        partitionCounts.put(topic, source.partitionCount(topic));
                    } catch (UnknownTopicException e) {
                        LOG.warn("group {} subscribes to unknown topic {}; it gets no partitions", groupId, topic);
                    }
                }
            }
        }
        Map<TopicPartition, String> currentOwners = new HashMap<>();
        progress.forEach((tp, p) -> {
            Member owner = p.owner();
            if (owner != null && !owner.removed) {
                currentOwners.put(tp, owner.memberId);
            }
        });
        Map<String, Set<TopicPartition>> target = assignor.assign(subscriptions, partitionCounts, currentOwners);
        Map<TopicPartition, Member> targetOwner = new HashMap<>();
        target.forEach((memberId, tps) -> tps.forEach(tp -> targetOwner.put(tp, members.get(memberId))));
        for (Map.Entry<TopicPartition, Member> e : targetOwner.entrySet()) {
            moveTowards(e.getKey(), e.getValue());
        }
        for (Member m : members.values()) {
            for (TopicPartition tp : List.copyOf(m.owned)) {
                if (!targetOwner.containsKey(tp)) {
                    takeFrom(m, tp, null);
                }
            }
        }
    }

    private void moveTowards(TopicPartition tp, Member next) {
        PartitionProgress p = progress(tp);
        if (!p.isInitialized()) {
            long start = switch (next.config.autoOffsetReset()) {
                case EARLIEST -> source.startOffset(tp);
                case LATEST -> source.endOffset(tp);
            };
            // Persisted at once, so a restart does not start over from a later "latest".
            p.initialize(CommittedPosition.at(start), true);
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
        PartitionProgress p = progress(tp);
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

    /** What {@code member} must be told now; see {@link AssignmentChange}. */
    synchronized AssignmentChange sync(Member member) {
        if (member.removed) {
            List<TopicPartition> lost = new ArrayList<>(member.reported);
            member.reported.clear();
            return new AssignmentChange(lost, List.of(), List.of());
        }
        List<TopicPartition> revoked = new ArrayList<>();
        List<TopicPartition> assigned = new ArrayList<>();
        for (TopicPartition tp : member.owned) {
            if (progress(tp).isRevoking()) {
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

    /** The member gave these partitions up: they go to their pending owners now. */
    synchronized void confirmRevoked(Member member, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress(tp);
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

    /** Partitions the member may fetch now: owned and not being revoked. */
    synchronized List<TopicPartition> fetchable(Member member) {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicPartition tp : member.reported) {
            if (member.owned.contains(tp) && !progress(tp).isRevoking()) {
                out.add(tp);
            }
        }
        return out;
    }

    synchronized GroupDescription.MemberDescription describe(Member m) {
        Map<TopicPartition, Integer> locked = new TreeMap<>();
        shared.forEach((tp, state) -> {
            int n = state.lockedBy(m);
            if (n > 0) {
                locked.put(tp, n);
            }
        });
        return new GroupDescription.MemberDescription(m.memberId, m.config.clientId(), new ArrayList<>(m.owned),
                locked);
    }
}
