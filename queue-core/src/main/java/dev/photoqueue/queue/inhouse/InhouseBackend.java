package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.group.PartitionSource;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue API over the embedded log: producers append to partitions, consumers read them,
 * group members share them through the {@link GroupCoordinator}, whose positions live in the log
 * too; the admin creates and describes topics and groups. Owns the {@link LogManager} and closes
 * it last, after the coordinator has persisted every position.
 */
final class InhouseBackend implements QueueBackend, PartitionSource {

    private static final int MAX_TOPIC_NAME = 249;
    /** Room for a few batches and an index roll; below it appends start failing. */
    static final long MIN_FREE_BYTES = 16L << 20;

    private final InhouseConfig config;
    private final LogManager log;
    private final GroupCoordinator coordinator;
    private final Redriver redriver = new Redriver(this);
    private final BacklogGate backlogGate;
    private final TransactionCoordinator transactions;
    private final AtomicReference<BackendHealth> health =
            new AtomicReference<>(BackendHealth.up("opened", Instant.now()));
    private volatile boolean closed;

    private InhouseBackend(InhouseConfig config, LogManager log, TransactionCoordinator.StageListener stages) {
        this.config = config;
        this.log = log;
        Env env = log.env();
        this.coordinator = new GroupCoordinator(this, new LogGroupStateStore(log, config.forceInternalTopics()), log.signal()::signal,
                env.nanoTime(), env.newScheduler("photoqueue-group-coordinator"));
        try {
            // Completes the transactions a crash interrupted before any member can read.
            this.transactions = TransactionCoordinator.open(log, coordinator, stages);
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        this.backlogGate = new BacklogGate(coordinator, env.nanoTime());
    }

    static InhouseBackend open(InhouseConfig config) {
        return open(config, TransactionCoordinator.StageListener.NONE);
    }

    /** Opens with a listener told each step of every transaction commit (tests stop the process there). */
    static InhouseBackend open(InhouseConfig config, TransactionCoordinator.StageListener stages) {
        LogManager log = LogManager.open(config.dataDir(), config.logOptions());
        try {
            return new InhouseBackend(config, log, stages);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return InhouseBackendProvider.NAME;
    }

    @Override
    public Producer producer() {
        return new InhouseProducer(this);
    }

    @Override
    public TransactionalProducer transactionalProducer(String transactionalId) {
        if (transactionalId == null || transactionalId.isBlank()) {
            throw new IllegalArgumentException("a transactional id must not be blank, was \"" + transactionalId + "\"");
        }
        return new InhouseTransactionalProducer(this, transactions, transactionalId);
    }

    @Override
    public Consumer consumer(ConsumerConfig consumerConfig) {
        return new InhouseConsumer(this, consumerConfig);
    }

    @Override
    public GroupConsumer groupConsumer(GroupConsumerConfig groupConfig) {
        if (groupConfig.mode() == ConsumptionMode.SHARED) {
            return new InhouseSharedConsumer(this, coordinator, groupConfig);
        }
        return new InhouseGroupConsumer(this, coordinator, groupConfig);
    }

    @Override
    public Admin admin() {
        return new InhouseAdmin(log, coordinator, redriver);
    }

    @Override
    public int partitionCount(String topic) {
        return topic(topic).partitionCount();
    }

    private PartitionLog partition(TopicPartition tp) {
        return log.topic(tp.topic()).partition(tp.partition());
    }

    @Override
    public long startOffset(TopicPartition tp) {
        return partition(tp).startOffset();
    }

    @Override
    public long endOffset(TopicPartition tp) {
        return partition(tp).endOffset();
    }

    @Override
    public long offsetForTimestamp(TopicPartition tp, long timestamp) {
        PartitionLog p = partition(tp);
        OffsetAndTimestamp found = p.offsetForTimestamp(timestamp);
        return found == null ? p.endOffset() : found.offset();
    }

    BacklogGate backlogGate() {
        return backlogGate;
    }

    /** How long a producer's {@code send} waits for room in a full backlog. */
    long producerMaxBlockMs() {
        return config.producerMaxBlockMs();
    }

    LogManager log() {
        return log;
    }

    /** The topic, created with the default partition count if absent and automatic creation is on. */
    TopicLog topic(String name) {
        return log.findTopic(name).orElseGet(() -> {
            if (!config.autoCreateTopics()) {
                throw new UnknownTopicException(name);
            }
            rejectInternal(name);
            synchronized (log) {
                return log.findTopic(name)
                        .orElseGet(() -> log.createTopic(name, config.defaultPartitions(), Map.of()));
            }
        });
    }

    /**
     * The topics a group member may subscribe to, checked: at least one; each exists (or is created
     * when automatic creation is on); and each one's dead-letter topic name is valid, which is found
     * now rather than at the first dead letter, where every poll would fail.
     */
    SortedSet<String> subscribableTopics(Collection<String> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe needs at least one topic");
        }
        SortedSet<String> checked = new TreeSet<>(topics);
        for (String topic : checked) {
            topic(topic);
            String deadLetters = DeadLetters.topicFor(topic);
            if (deadLetters.length() > MAX_TOPIC_NAME) {
                throw new InvalidTopicException(topic, "its dead-letter topic " + deadLetters + " would be longer than "
                        + MAX_TOPIC_NAME + " characters; use a shorter name to consume it in a group");
            }
        }
        return checked;
    }

    /** Applications cannot create topics in the internal namespace. */
    static void rejectInternal(String topic) {
        if (topic.startsWith(Admin.INTERNAL_PREFIX)) {
            throw new InvalidTopicException(topic, "names starting with \"" + Admin.INTERNAL_PREFIX
                    + "\" are reserved for internal topics");
        }
    }

    /**
     * Up while no partition is offline (a failed force or an uncut failed write stops one), the
     * data directory exists, is writable and has at least {@link #MIN_FREE_BYTES} free; checked on
     * every call (a few file-system calls, no I/O on the log).
     */
    @Override
    public BackendHealth health() {
        Path dir = log.directory();
        Instant now = Instant.now();
        boolean up;
        String detail;
        Map<TopicPartition, String> offline = closed ? Map.of() : log.offlinePartitions();
        if (closed) {
            up = false;
            detail = "the in-house backend on " + dir + " is closed";
        } else if (!offline.isEmpty()) {
            up = false;
            detail = offline.size() + " partition" + (offline.size() == 1 ? " is" : "s are")
                    + " offline after a storage failure and take no writes until the queue is reopened: "
                    + String.join("; ", offline.values());
        } else if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            up = false;
            detail = "data directory " + dir + " is missing or not writable";
        } else {
            long free;
            String failure = null;
            try {
                free = Files.getFileStore(dir).getUsableSpace();
            } catch (IOException e) {
                free = -1;
                failure = StorageException.reason(dir.toString(), e);
            }
            up = free >= MIN_FREE_BYTES;
            detail = free < 0 ? "cannot read the free space of data directory " + dir + ": " + failure
                    : "data directory " + dir + ": " + log.topicNames().size() + " topic logs (internal ones included), "
                    + (free >> 20) + " MiB free"
                    + (up ? "" : ", below the " + (MIN_FREE_BYTES >> 20) + " MiB a log needs to go on");
        }
        return health.updateAndGet(h -> h.next(up, detail, now));
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of(PERSIST_FAILURES, coordinator.persistFailures(),
                OFFLINE_PARTITIONS, (long) log.offlinePartitions().size());
    }

    @Override
    public void timeLog(LogTimingListener listener) {
        log.timeWith(listener);
    }

    /** Names the data directory, for the log lines that speak of a backend (a failed stop, say). */
    @Override
    public String toString() {
        return "the in-house queue in " + config.dataDir();
    }

    @Override
    public void close() {
        closed = true;
        try {
            coordinator.close();
        } finally {
            log.close();
        }
    }
}
