package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-house log of one data directory: its topics, their partitions, and the threads that
 * write, force and expire them.
 *
 * <p>Guarantees: one process owns a directory at a time ({@link dev.photoqueue.queue.api.DataDirectoryLockedException}
 * for a second one); a topic either exists whole, with its settings and every partition
 * directory, or not at all ({@link TopicDirectories}); after a crash, opening recovers every partition (see
 * {@link PartitionLoader}); {@link #close} writes what is pending, forces it and marks the
 * shutdown clean. Thread-safe.
 *
 * <pre>
 * dataDir/.lock                             owner's OS lock, pid inside
 * dataDir/.clean-shutdown                   present only between a clean close and the next open
 * dataDir/topic/topic.properties            partitions and settings
 * dataDir/topic/N/00000000000000000000.log  segment: record batches (see {@link RecordBatches})
 * dataDir/topic/N/…000.index, …000.timeindex sparse offset and time indexes of the segment
 * dataDir/topic/N/recovery-point            offset up to which every byte was forced to disk
 * </pre>
 */
public final class LogManager implements AutoCloseable {

    /** The most partitions a topic may have; {@link #createTopic} refuses more. */
    public static final int MAX_PARTITIONS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    /**
     * @param defaults           settings for topics that do not override them
     * @param retentionCheckMs   how often retention runs
     * @param env                files, clocks (timestamps, segment age, retention) and background threads
     */
    public record Options(LogConfig defaults, long retentionCheckMs, Env env) {

        public static final Options DEFAULTS = new Options(LogConfig.DEFAULTS, 60_000, Env.system());

        public Options withDefaults(LogConfig newDefaults) {
            return new Options(newDefaults, retentionCheckMs, env);
        }

        public Options withClock(Clock newClock) {
            return new Options(defaults, retentionCheckMs, env.withClock(newClock));
        }

        public Options withEnv(Env newEnv) {
            return new Options(defaults, retentionCheckMs, newEnv);
        }

        public Clock clock() {
            return env.clock();
        }
    }

    private final Path dir;
    private final Options options;
    private final DataDirectoryLock lock;
    private final LogContext context;
    private final Map<String, TopicLog> topics = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private LogManager(Path dir, Options options, DataDirectoryLock lock, LogContext context) {
        this.dir = dir;
        this.options = options;
        this.lock = lock;
        this.context = context;
    }

    public static LogManager open(Path dir) {
        return open(dir, Options.DEFAULTS);
    }

    public static LogManager open(Path dir, Options options) {
        Path absolute = dir.toAbsolutePath().normalize();
        FileIO io = options.env().files();
        try {
            if (!io.isDirectory(absolute)) {
                io.createDirectories(absolute);
                // A new directory's name is durable only once its parent is forced.
                io.forceDirectory(absolute.getParent());
            }
        } catch (IOException e) {
            throw new StorageException(absolute.toString(), "create data directory", e);
        }
        DataDirectoryLock lock = DataDirectoryLock.acquire(io, absolute);
        LogContext context = new LogContext(new LogWriter(options.env().newExecutor("photoqueue-log-writer")),
                options.env().newScheduler("photoqueue-log-scheduler"), new DataSignal(), options.env(), new LogTimer());
        LogManager manager = new LogManager(absolute, options, lock, context);
        try {
            manager.loadTopics();
        } catch (RuntimeException e) {
            manager.closeAfterFailedOpen(e);
            throw e;
        }
        context.scheduler().scheduleWithFixedDelay("retention", manager::applyRetention, options.retentionCheckMs(),
                options.retentionCheckMs());
        return manager;
    }

    private void loadTopics() {
        Path marker = dir.resolve(LogFiles.CLEAN_SHUTDOWN);
        boolean clean = io().exists(marker);
        try {
            // From here on a crash must lead to recovery, so the marker goes first.
            io().deleteIfExists(marker);
        } catch (IOException e) {
            throw new StorageException(marker.toString(), "delete", e);
        }
        LogFiles.forceDirectory(io(), dir);
        List<Path> topicDirs = TopicDirectories.list(io(), dir);
        // A directory that holds no topic yet has nothing to recover: its first start is not a crash.
        if (!clean && !topicDirs.isEmpty()) {
            LOG.info("{} was not shut down cleanly; recovering its partitions", dir);
        }
        for (Path topicDir : topicDirs) {
            String name = topicDir.getFileName().toString();
            TopicDirectories.TopicSettings settings = TopicDirectories.readSettings(io(), topicDir);
            LogConfig config = options.defaults().with(settings.overrides());
            topics.put(name, openPartitions(name, topicDir, settings.partitions(), config, clean));
        }
    }

    private TopicLog openPartitions(String name, Path topicDir, int partitions, LogConfig config, boolean clean) {
        List<PartitionLog> logs = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            PartitionLog log = PartitionLoader.load(new TopicPartition(name, p), topicDir.resolve(Integer.toString(p)),
                    config, context, clean);
            logs.add(log);
            if (config.fsync() == FsyncPolicy.INTERVAL) {
                // A failed force takes the partition offline (logged once) and is not retried.
                context.scheduler().scheduleWithFixedDelay("force " + log.topicPartition(), log::flushQuietly,
                        config.flushMs(), config.flushMs());
            }
        }
        return new TopicLog(name, config, logs);
    }

    /**
     * Creates a topic with {@code partitions} partitions and settings over the defaults.
     * {@link TopicExistsException}, {@link InvalidTopicException}, {@link InvalidConfigException}.
     */
    public synchronized TopicLog createTopic(String name, int partitions, Map<String, String> overrides) {
        ensureOpen();
        TopicDirectories.validateName(name);
        if (partitions <= 0 || partitions > MAX_PARTITIONS) {
            throw new InvalidConfigException(TopicDirectories.PARTITIONS_KEY, String.valueOf(partitions),
                    "must be 1.." + MAX_PARTITIONS);
        }
        if (topics.containsKey(name)) {
            throw new TopicExistsException(name);
        }
        LogConfig config = options.defaults().with(overrides);
        Path topicDir = TopicDirectories.create(io(), dir, name, partitions, overrides);
        TopicLog topic = openPartitions(name, topicDir, partitions, config, true);
        topics.put(name, topic);
        LOG.info("created topic {} with {} partitions in {}", name, partitions, topicDir);
        return topic;
    }

    /** {@link UnknownTopicException} when the topic does not exist. */
    public TopicLog topic(String name) {
        ensureOpen();
        TopicLog topic = topics.get(name);
        if (topic == null) {
            throw new UnknownTopicException(name);
        }
        return topic;
    }

    public Optional<TopicLog> findTopic(String name) {
        ensureOpen();
        return Optional.ofNullable(topics.get(name));
    }

    public Set<String> topicNames() {
        return new TreeSet<>(topics.keySet());
    }

    public Path directory() {
        return dir;
    }

    public Clock clock() {
        return context.clock();
    }

    /**
     * Binds {@code listener} to the timings of every partition's batch writes and forces, replacing
     * the one bound before; null unbinds. See {@link LogTimingListener}.
     */
    public void timeWith(LogTimingListener listener) {
        context.timer().bind(listener);
    }

    /** Wakes readers when any partition's high watermark moves. */
    public DataSignal signal() {
        return context.signal();
    }

    /** Runs retention over every partition now (it also runs every {@code retentionCheckMs}). */
    public int applyRetention() {
        int deleted = 0;
        for (TopicLog topic : topics.values()) {
            for (PartitionLog partition : topic.partitions()) {
                try {
                    deleted += partition.applyRetention();
                } catch (RuntimeException e) {
                    LOG.error("retention of {} failed: {}", partition.topicPartition(), StorageException.reason(e));
                }
            }
        }
        return deleted;
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueueClosedException("log in " + dir);
        }
    }

    /**
     * Writes and forces everything pending, marks the shutdown clean and releases the directory.
     * The marker is written only when every partition closed cleanly: an offline partition, or one
     * whose last force failed, makes the next open recover from the last recovery points.
     *
     * <p>A recovery point, an active segment's final index entry or the marker that cannot be
     * written (a full disk: each needs a new page) is no failure of the close, since every record
     * is forced by then: one WARN line says so, and the next open recovers from the recovery points
     * on disk, as after a crash. So a reader of a
     * full disk's log (a {@code pq topics}) closes it without an error.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        List<TopicPartition> unrecorded = new ArrayList<>();
        StorageException unrecordedWhy = null;
        for (TopicLog topic : topics.values()) {
            for (PartitionLog partition : topic.partitions()) {
                try {
                    Optional<StorageException> notWritten = partition.close();
                    if (notWritten.isPresent()) {
                        unrecorded.add(partition.topicPartition());
                        unrecordedWhy = unrecordedWhy == null ? notWritten.get() : unrecordedWhy;
                    }
                } catch (RuntimeException e) {
                    LOG.error("closing {} failed: {}", partition.topicPartition(), StorageException.reason(e));
                    failure = failure == null ? e : failure;
                }
            }
        }
        context.writer().close();
        context.scheduler().close();
        try {
            if (!unrecorded.isEmpty()) {
                LOG.warn("closed {} with every record forced, but the recovery points or final index entries of {} "
                        + "could not be written ({}): the next open checks them as after a crash", dir, unrecorded,
                        unrecordedWhy.getMessage());
            } else if (failure == null) {
                writeCleanShutdownMarker();
            }
        } finally {
            // Without the marker the next open recovers; without the release it could not open at all.
            lock.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The marker of a clean close; without it (a full disk) the next open only checks more, so a WARN says so. */
    private void writeCleanShutdownMarker() {
        try {
            LogFiles.writeAtomically(io(), dir.resolve(LogFiles.CLEAN_SHUTDOWN), "clean\n");
        } catch (StorageException e) {
            LOG.warn("closed {} with every record forced, but not marked clean ({}): the next open checks its "
                    + "partitions as after a crash", dir, e.getMessage());
        }
    }

    /** After a failed open: release what was taken, keep the open's own exception. */
    private void closeAfterFailedOpen(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** The partitions that stopped taking writes after a storage failure, with the reason of each. */
    public Map<TopicPartition, String> offlinePartitions() {
        Map<TopicPartition, String> offline = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicLog topic : topics.values()) {
            for (PartitionLog partition : topic.partitions()) {
                if (partition.offline() != null) {
                    offline.put(partition.topicPartition(), partition.offline().getMessage());
                }
            }
        }
        return offline;
    }

    /** The environment the log runs in: its files and clocks. */
    public Env env() {
        return context.env();
    }

    private FileIO io() {
        return context.files();
    }
}
