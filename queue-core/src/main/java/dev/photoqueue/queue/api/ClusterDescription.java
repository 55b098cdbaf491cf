package dev.photoqueue.queue.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the records live and how many copies they have, as the backend saw it at {@code at}: the
 * brokers, up or down; the controller quorum that decides leaders (Kafka's KRaft voters); and for
 * each partition asked about its leader, replicas and in-sync replicas. The in-house log is one
 * node that keeps one copy ({@link #singleNode}: {@code replicated} false, no brokers, no
 * partitions). Immutable.
 *
 * <p>A partition takes writes ({@link PartitionReplicas#writable}) while it has a leader that is up
 * and at least {@code min.insync.replicas} in-sync replicas that are up, and the quorum has a
 * leader: an acknowledged write ({@code acks=all}) is then on at least that many brokers.
 *
 * @param replicated false for a backend that keeps one copy of each record
 * @param summary    one line for people: what the cluster looks like, or why it cannot take writes
 * @param quorum     null where there is no controller quorum (the in-house log)
 */
public record ClusterDescription(boolean replicated, String summary, List<Broker> brokers, Quorum quorum,
                                 List<PartitionReplicas> partitions, Instant at) {

    public ClusterDescription {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(at, "at");
        brokers = List.copyOf(brokers);
        partitions = List.copyOf(partitions);
    }

    /**
     * One broker. {@code up}: it is registered with the controller and answers on its address;
     * after a kill -9 the controller takes some seconds to notice, and with no quorum it never
     * does, so the address is tried too.
     *
     * @param address host:port, or "unknown" for a broker named only as a replica
     */
    public record Broker(int id, String address, boolean up, boolean voter) {
    }

    /**
     * The controller quorum: {@code leaderId} -1 while it has no leader (a majority of the voters
     * is down), in which case no leader of any partition can change and no in-sync replica set can
     * shrink.
     */
    public record Quorum(int leaderId, List<Integer> voters, String detail) {

        public Quorum {
            voters = List.copyOf(voters);
        }

        public boolean hasLeader() {
            return leaderId >= 0;
        }
    }

    /**
     * One partition's copies. {@code leader} is -1 while it has none that is up; {@code inSync}
     * holds the replicas Kafka counts in sync that are up.
     */
    public record PartitionReplicas(String topic, int partition, int leader, List<Integer> replicas,
                                    List<Integer> inSync, int minInSync) {

        public PartitionReplicas {
            replicas = List.copyOf(replicas);
            inSync = List.copyOf(inSync);
        }

        /** Fewer replicas in sync than it has: one more loss may stop its writes. */
        public boolean underReplicated() {
            return inSync.size() < replicas.size();
        }

        /** It has a leader and enough in-sync replicas for an {@code acks=all} write. */
        public boolean writable() {
            return leader >= 0 && inSync.size() >= minInSync;
        }

        /** "photo.uploaded-3". */
        public String name() {
            return topic + "-" + partition;
        }
    }

    /** The in-house log: one node, one copy, no quorum. */
    public static ClusterDescription singleNode(String detail, Instant at) {
        return new ClusterDescription(false, "single node, no replication: " + detail, List.of(), null, List.of(), at);
    }

    /**
     * Why a write to {@code topic}-{@code partition} cannot be acknowledged now, or empty when it
     * can (or when this description does not know the partition).
     */
    public Optional<String> whyNotWritable(String topic, int partition) {
        if (!replicated) {
            return Optional.empty();
        }
        String down = downBrokers();
        if (quorum != null && !quorum.hasLeader()) {
            return Optional.of("the controller quorum is lost: " + quorum.detail() + down);
        }
        for (PartitionReplicas p : partitions) {
            if (p.topic().equals(topic) && p.partition() == partition && !p.writable()) {
                return Optional.of(p.leader() < 0
                        ? "partition " + p.name() + " has no leader that is up (replicas " + p.replicas() + ")" + down
                        : "partition " + p.name() + " has " + p.inSync().size() + " in-sync replica(s) "
                        + p.inSync() + " of " + p.replicas() + ", and min.insync.replicas is " + p.minInSync() + down);
            }
        }
        return Optional.empty();
    }

    /** Every reason a write could fail or has one copy fewer than it should, for people; empty when healthy. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (quorum != null && !quorum.hasLeader()) {
            out.add("the controller quorum is lost: " + quorum.detail());
        }
        brokers.stream().filter(b -> !b.up()).forEach(b -> out.add("broker " + b.id() + " (" + b.address()
                + ") is down"));
        boolean quorumLost = quorum != null && !quorum.hasLeader();
        for (PartitionReplicas p : partitions) {
            if (!p.writable() || quorumLost) {
                if (!quorumLost) {
                    out.add(whyNotWritable(p.topic(), p.partition()).orElse(p.name() + " takes no writes"));
                }
            } else if (p.underReplicated()) {
                out.add("partition " + p.name() + " is under-replicated: in sync " + p.inSync() + " of "
                        + p.replicas());
            }
        }
        return out;
    }

    /**
     * What stops writes or takes a copy away, for an error message: the lost quorum, the brokers
     * down, and the partitions that take no writes (under-replicated ones that still do are left
     * out). Empty when none.
     */
    public List<String> writeProblems() {
        List<String> out = new ArrayList<>();
        if (quorum != null && !quorum.hasLeader()) {
            out.add("the controller quorum is lost: " + quorum.detail());
        }
        List<Integer> down = brokers.stream().filter(b -> !b.up()).map(Broker::id).toList();
        if (!down.isEmpty()) {
            out.add("brokers down: " + down);
        }
        List<String> stopped = partitions.stream().filter(p -> !p.writable()).map(PartitionReplicas::name).toList();
        if (!stopped.isEmpty()) {
            out.add("partitions taking no writes: " + stopped);
        }
        return out;
    }

    private String downBrokers() {
        List<Integer> down = brokers.stream().filter(b -> !b.up()).map(Broker::id).toList();
        return down.isEmpty() ? "" : "; brokers down: " + down;
    }
}
