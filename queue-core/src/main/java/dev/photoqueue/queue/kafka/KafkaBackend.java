package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queue API over a Kafka cluster. Holds one Kafka admin client (thread-safe, shared by every
 * {@link Admin} it hands out and by the group members' checks) and one producer for dead letters
 * and redrives; the producers, consumers and members it hands out have their own Kafka clients.
 * Opening checks the cluster answers within {@code kafka.connect.timeout.ms}, so a wrong address
 * fails at start-up with {@link BackendUnavailableException} rather than at the first send.
 * Thread-safe. Closing closes everything handed out, then the shared clients.
 */
final class KafkaBackend implements QueueBackend {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBackend.class);
    private static final int MAX_TOPIC_NAME = 249;

    private final KafkaConfig config;
    private final org.apache.kafka.clients.admin.Admin admin;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final Object producerLock = new Object();
    private KafkaQueueProducer internalProducer;
    private final KafkaRedriver redriver;
    private final KafkaDeadLetters deadLetters;
    private final KafkaHealthMonitor health;
    private final KafkaClusterDescriber cluster;
    /** One daemon thread for every group member's timed ack commits; see {@link KafkaGroupConsumer}. */
    private final java.util.concurrent.ScheduledExecutorService ackCommitTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kafka-ack-commits");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean closed;

    private KafkaBackend(KafkaConfig config, org.apache.kafka.clients.admin.Admin admin, String clusterId) {
        this.config = config;
        this.admin = admin;
        this.health = new KafkaHealthMonitor(admin, config, BackendHealth.up("Kafka cluster " + clusterId + " at "
                + config.bootstrapServers() + " answered at start-up", java.time.Instant.now()));
        this.redriver = new KafkaRedriver(this);
        this.deadLetters = new KafkaDeadLetters(this);
        this.cluster = new KafkaClusterDescriber(admin);
    }

    static KafkaBackend open(KafkaConfig config) {
        org.apache.kafka.clients.admin.Admin admin;
        try {
            Map<String, Object> props = config.clientBase();
            props.put("client.id", "photoqueue-admin");
            admin = org.apache.kafka.clients.admin.Admin.create(props);
        } catch (KafkaException e) {
            throw new InvalidConfigException(KafkaConfig.BOOTSTRAP_SERVERS, config.bootstrapServers(),
                    "cannot start a Kafka client: " + e.getMessage());
        }
        try {
            String clusterId = awaitCluster(admin, config);
            LOG.info("connected to Kafka cluster {} at {}", clusterId, config.bootstrapServers());
            return new KafkaBackend(config, admin, clusterId);
        } catch (RuntimeException e) {
            admin.close(java.time.Duration.ZERO);
            throw e;
        }
    }

    private static String awaitCluster(org.apache.kafka.clients.admin.Admin admin, KafkaConfig config) {
        var options = new org.apache.kafka.clients.admin.DescribeClusterOptions()
                .timeoutMs(config.connectTimeoutMs());
        try {
            return admin.describeCluster(options).clusterId()
                    .get(config.connectTimeoutMs() + 1_000L, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("interrupted while connecting to Kafka at " + config.bootstrapServers(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BackendUnavailableException(config.bootstrapServers(), config.connectTimeoutMs(),
                    "connect to the Kafka cluster", e.getCause() == null ? e : e.getCause());
        }
    }

    @Override
    public String name() {
        return KafkaBackendProvider.NAME;
    }

    @Override
    public Producer producer() {
        ensureOpen();
        return track(new KafkaQueueProducer(this));
    }

    @Override
    public TransactionalProducer transactionalProducer(String transactionalId) {
        ensureOpen();
        if (transactionalId == null || transactionalId.isBlank()) {
            throw new IllegalArgumentException("a transactional id must not be blank, was \"" + transactionalId + "\"");
        }
        return track(new KafkaTransactionalProducer(this, transactionalId));
    }

    @Override
    public Consumer consumer(ConsumerConfig consumerConfig) {
        ensureOpen();
        return track(new KafkaQueueConsumer(this, consumerConfig));
    }

    @Override
    public GroupConsumer groupConsumer(GroupConsumerConfig groupConfig) {
        ensureOpen();
        if (groupConfig.mode() == ConsumptionMode.SHARED) {
            return track(new KafkaShareGroupConsumer(this, groupConfig));
        }
        return track(new KafkaGroupConsumer(this, groupConfig));
    }

    @Override
    public Admin admin() {
        ensureOpen();
        return new KafkaQueueAdmin(this);
    }

    /** The cluster's state as last checked in the background; see {@link KafkaHealthMonitor}. */
    @Override
    public BackendHealth health() {
        return health.health();
    }

    /** Names the cluster, for the log lines that speak of a backend (a failed stop, say). */
    @Override
    public String toString() {
        return "the Kafka backend at " + config.bootstrapServers();
    }

    KafkaConfig config() {
        return config;
    }

    org.apache.kafka.clients.admin.Admin kafkaAdmin() {
        return admin;
    }

    /** One for the backend: it remembers the brokers it saw, so a dead one is still listed. */
    KafkaClusterDescriber clusterDescriber() {
        return cluster;
    }

    java.util.concurrent.ScheduledExecutorService ackCommitTimer() {
        return ackCommitTimer;
    }

    KafkaDeadLetters deadLetters() {
        return deadLetters;
    }

    KafkaRedriver redriver() {
        return redriver;
    }

    /** The producer the backend itself writes with (dead letters, redrives): acks=all, idempotent. */
    KafkaQueueProducer internalProducer() {
        synchronized (producerLock) {
            ensureOpen();
            if (internalProducer == null) {
                internalProducer = new KafkaQueueProducer(this);
            }
            return internalProducer;
        }
    }

    /** Forgets a client that was closed by its user. */
    void closed(AutoCloseable client) {
        open.remove(client);
    }

    private <T extends AutoCloseable> T track(T client) {
        open.add(client);
        return client;
    }

    /** The topic's partition count; {@link UnknownTopicException} when it does not exist. */
    int partitionCount(String topic) {
        TopicDescription d = KafkaErrors.await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                config, "describe topic " + topic, topic);
        return d.partitions().size();
    }

    /**
     * Waits until a topic just created is visible to metadata requests, so that the caller's next
     * call (a describe, a send, a subscribe) finds it: Kafka's create returns once the controller
     * has the topic, a moment before every broker does.
     */
    void awaitTopicVisible(String topic) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        while (true) {
            try {
                partitionCount(topic);
                return;
            } catch (UnknownTopicException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new BackendUnavailableException(config.bootstrapServers(), config.requestTimeoutMs(),
                            "see the new topic " + topic + " in the cluster's metadata", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    boolean topicExists(String topic) {
        try {
            partitionCount(topic);
            return true;
        } catch (UnknownTopicException e) {
            return false;
        }
    }

    /** The topics a group member may subscribe to, checked: at least one, each exists, each dead-letter name is valid. */
    SortedSet<String> subscribableTopics(Collection<String> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe needs at least one topic");
        }
        SortedSet<String> checked = new TreeSet<>(topics);
        for (String topic : checked) {
            partitionCount(topic);
            String deadLetters = DeadLetters.topicFor(topic);
            if (deadLetters.length() > MAX_TOPIC_NAME) {
                throw new InvalidTopicException(topic, "its dead-letter topic " + deadLetters + " would be longer than "
                        + MAX_TOPIC_NAME + " characters; use a shorter name to consume it in a group");
            }
        }
        return checked;
    }

    /** Creates a one-partition topic (a dead-letter topic) unless it exists. */
    void ensureSinglePartitionTopic(String topic) {
        Optional<Short> replication = config.replicationFactor() > 0
                ? Optional.of(config.replicationFactor()) : Optional.empty();
        NewTopic newTopic = new NewTopic(topic, Optional.of(1), replication);
        try {
            KafkaErrors.await(admin.createTopics(List.of(newTopic)).all(), config, "create topic " + topic, topic);
            awaitTopicVisible(topic);
            LOG.info("created topic {} with one partition", topic);
        } catch (TopicExistsException e) {
            // created by another member or process meanwhile: fine
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueueClosedException("kafka backend");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.close();
        RuntimeException first = null;
        for (AutoCloseable client : List.copyOf(open)) {
            try {
                client.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new QueueException("closing " + client + " failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        ackCommitTimer.shutdownNow();
        synchronized (producerLock) {
            if (internalProducer != null) {
                internalProducer.close();
            }
        }
        admin.close();
        if (first != null) {
            throw first;
        }
    }
}
