package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.log.LogConfig;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.spi.BackendSettings;

import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of the in-house backend, from the string settings handed to
 * {@link dev.photoqueue.queue.api.QueueBackends#open}:
 *
 * <table>
 * <caption>settings</caption>
 * <tr><td>{@code data.dir}</td><td>where the log lives</td><td>{@code data/queue}</td></tr>
 * <tr><td>{@code auto.create.topics}</td><td>create a topic on first send or assign</td><td>true</td></tr>
 * <tr><td>{@code default.partitions}</td><td>partitions of an automatically created topic</td><td>1</td></tr>
 * <tr><td>{@code retention.check.interval.ms}</td><td>how often retention runs</td><td>60000</td></tr>
 * <tr><td>{@code producer.max.block.ms}</td><td>longest a {@code send} waits for room in a full
 * backlog before it fails with {@link dev.photoqueue.queue.api.BacklogFullException}</td><td>60000</td></tr>
 * <tr><td>{@code internal.fsync}</td><td>how the positions and delivery counts of at-least-once
 * groups are forced: {@code interval}, every {@code flush.ms}, so a power loss may take back that
 * long a stretch of them (records acked in it come again; a record's delivery count may fall by
 * the deliveries in it); {@code always}, before every poll hands records out, which costs one
 * force a poll (measured: the group bench end to end at 0.05 to 0.07 of its speed). At-most-once
 * commits, transaction decisions and their positions, resets and dead letters are forced
 * always.</td><td>interval</td></tr>
 * <tr><td>{@code topic.<setting>}</td><td>default topic setting, e.g. {@code topic.fsync=always}</td><td></td></tr>
 * </table>
 */
record InhouseConfig(Path dataDir, boolean autoCreateTopics, int defaultPartitions, long producerMaxBlockMs,
                     boolean forceInternalTopics, LogManager.Options logOptions) {

    /** The same settings in another environment (tests: failing files, virtual time). */
    InhouseConfig withEnv(Env env) {
        return new InhouseConfig(dataDir, autoCreateTopics, defaultPartitions, producerMaxBlockMs,
                forceInternalTopics, logOptions.withEnv(env));
    }

    static final String DATA_DIR = "data.dir";
    static final String AUTO_CREATE_TOPICS = "auto.create.topics";
    static final String DEFAULT_PARTITIONS = "default.partitions";
    static final String RETENTION_CHECK_INTERVAL_MS = "retention.check.interval.ms";
    static final String PRODUCER_MAX_BLOCK_MS = "producer.max.block.ms";
    static final String INTERNAL_FSYNC = "internal.fsync";
    static final String TOPIC_PREFIX = "topic.";

    static InhouseConfig parse(Map<String, String> settings) {
        Path dataDir = Path.of(settings.getOrDefault(DATA_DIR, "data/queue"));
        boolean autoCreate = BackendSettings.booleanSetting(settings, AUTO_CREATE_TOPICS, true);
        int partitions = BackendSettings.intSetting(settings, DEFAULT_PARTITIONS, 1, 1, LogManager.MAX_PARTITIONS);
        int retentionCheck = BackendSettings.intSetting(settings, RETENTION_CHECK_INTERVAL_MS, 60_000, 1,
                Integer.MAX_VALUE);
        int maxBlockMs = BackendSettings.intSetting(settings, PRODUCER_MAX_BLOCK_MS, 60_000, 0, Integer.MAX_VALUE);
        String internalFsync = settings.getOrDefault(INTERNAL_FSYNC, "interval").trim().toLowerCase(java.util.Locale.ROOT);
        if (!internalFsync.equals("always") && !internalFsync.equals("interval")) {
            throw new InvalidConfigException(INTERNAL_FSYNC, settings.get(INTERNAL_FSYNC), "expected always or interval");
        }
        LogConfig defaults = LogConfig.DEFAULTS.with(BackendSettings.withPrefix(settings, TOPIC_PREFIX));
        LogManager.Options options = new LogManager.Options(defaults, retentionCheck, Env.system());
        return new InhouseConfig(dataDir, autoCreate, partitions, maxBlockMs, internalFsync.equals("always"), options);
    }
}
