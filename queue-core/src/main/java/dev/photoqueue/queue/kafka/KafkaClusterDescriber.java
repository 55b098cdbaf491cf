package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ClusterDescription;
import dev.photoqueue.queue.api.ClusterDescription.Broker;
import dev.photoqueue.queue.api.ClusterDescription.PartitionReplicas;
import dev.photoqueue.queue.api.ClusterDescription.Quorum;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Describes a Kafka cluster for {@link dev.photoqueue.queue.api.Admin#describeCluster}, each
 * question bounded by {@value #ASK_TIMEOUT_MS} ms so that a cluster that is half down is described
 * rather than waited for. Metadata alone cannot tell a dead broker: after a kill -9 the controller
 * fences it only when its session expires, and with no controller majority nothing is fenced at
 * all, the metadata stays as it was. So a broker counts as up only while it is registered
 * <em>and</em> its address takes a TCP connection, and the in-sync replicas reported are those
 * Kafka counts in sync that are up. Brokers seen once are remembered (a dead one is then still
 * listed, with its address). Thread-safe.
 */
final class KafkaClusterDescriber {

    static final int ASK_TIMEOUT_MS = 3_000;
    static final int CONNECT_TIMEOUT_MS = 500;

    private final Admin admin;
    /** Address of every broker ever seen, by id. */
    private final Map<Integer, String> addresses = new ConcurrentHashMap<>();
    /** The quorum's voters as last described; empty until the quorum answered once. */
    private volatile List<Integer> voters = List.of();

    KafkaClusterDescriber(Admin admin) {
        this.admin = admin;
    }

    ClusterDescription describe(Collection<String> topics) {
        Set<Integer> registered = new TreeSet<>();
        String registrationError = null;
        try {
            for (Node n : ask(admin.describeCluster(new DescribeClusterOptions().timeoutMs(ASK_TIMEOUT_MS)).nodes())) {
                registered.add(n.id());
                addresses.put(n.id(), n.host() + ":" + n.port());
            }
        } catch (ExecutionException | TimeoutException e) {
            registrationError = String.valueOf(e.getCause() == null ? e : e.getCause());
        }
        Map<String, TopicDescription> described = describeTopics(topics);
        described.values().forEach(d -> d.partitions().forEach(p -> p.replicas().forEach(this::remember)));
        Map<Integer, Boolean> up = new TreeMap<>();
        addresses.forEach((id, address) -> up.put(id, registered.contains(id) && answers(address)));
        Quorum quorum = quorum(up);
        quorum.voters().forEach(v -> up.putIfAbsent(v, false));

        List<Broker> brokers = new ArrayList<>();
        up.forEach((id, isUp) -> brokers.add(new Broker(id, addresses.getOrDefault(id, "unknown"), isUp,
                quorum.voters().contains(id))));
        Map<String, Integer> minInSync = minInSync(described.keySet());
        List<PartitionReplicas> partitions = new ArrayList<>();
        for (TopicDescription d : new TreeMap<>(described).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                Node leader = p.leader();
                int leaderId = leader == null || leader.isEmpty() || !up.getOrDefault(leader.id(), false)
                        ? -1 : leader.id();
                partitions.add(new PartitionReplicas(d.name(), p.partition(), leaderId,
                        p.replicas().stream().map(Node::id).toList(),
                        p.isr().stream().map(Node::id).filter(id -> up.getOrDefault(id, false)).toList(),
                        minInSync.getOrDefault(d.name(), 1)));
            }
        }
        long upCount = brokers.stream().filter(Broker::up).count();
        String summary = registrationError != null && upCount == 0
                ? "no broker answers: " + registrationError
                : upCount + " of " + brokers.size() + " broker(s) up"
                + (quorum.hasLeader() ? ", controller quorum led by node " + quorum.leaderId()
                : ", controller quorum lost: " + quorum.detail());
        return new ClusterDescription(true, summary, brokers, quorum, partitions, Instant.now());
    }

    private void remember(Node n) {
        if (n != null && !n.isEmpty() && n.host() != null && !n.host().isEmpty() && n.port() > 0) {
            addresses.putIfAbsent(n.id(), n.host() + ":" + n.port());
        }
    }

    private Map<String, TopicDescription> describeTopics(Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        try {
            return ask(admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(ASK_TIMEOUT_MS))
                    .allTopicNames());
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        }
    }

    /** The quorum's leader and voters; no leader when it does not answer, naming the voters that are down. */
    private Quorum quorum(Map<Integer, Boolean> up) {
        try {
            QuorumInfo info = ask(admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions()
                    .timeoutMs(ASK_TIMEOUT_MS)).quorumInfo());
            List<Integer> ids = info.voters().stream().map(QuorumInfo.ReplicaState::replicaId).sorted().toList();
            voters = ids;
            return new Quorum(info.leaderId(), ids, info.leaderId() >= 0
                    ? "node " + info.leaderId() + " leads " + ids.size() + " voter(s)" : "no leader elected");
        } catch (ExecutionException | TimeoutException e) {
            List<Integer> known = voters;
            List<Integer> down = known.stream().filter(v -> !up.getOrDefault(v, false)).toList();
            String why = known.isEmpty()
                    ? "it did not answer (" + (e.getCause() == null ? e : e.getCause()) + ")"
                    : down.size() + " of " + known.size() + " voters " + known + " down " + down
                    + ", a majority is needed to elect a leader";
            return new Quorum(-1, known, why);
        }
    }

    /** {@code min.insync.replicas} of each topic; 1 where it cannot be read. */
    private Map<String, Integer> minInSync(Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Integer> out = new TreeMap<>();
        try {
            Map<ConfigResource, Config> configs = ask(admin.describeConfigs(resources,
                    new DescribeConfigsOptions().timeoutMs(ASK_TIMEOUT_MS)).all());
            configs.forEach((resource, config) -> {
                ConfigEntry e = config.get("min.insync.replicas");
                if (e != null && e.value() != null) {
                    out.put(resource.name(), Integer.parseInt(e.value()));
                }
            });
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            // unknown: counted as 1, which only understates a problem
        }
        return out;
    }

    private static <T> T ask(KafkaFuture<T> future) throws ExecutionException, TimeoutException {
        try {
            return future.get(ASK_TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    /** True when {@code host:port} takes a TCP connection within {@value #CONNECT_TIMEOUT_MS} ms. */
    private static boolean answers(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
