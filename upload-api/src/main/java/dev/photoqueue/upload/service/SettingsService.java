package dev.photoqueue.upload.service;

import dev.photoqueue.worker.WorkerVersion;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the {@link RuntimeSettings}, and when each worker version began to run (the moment a bug
 * started is where its replay starts). Updates are all-or-nothing: every given field is checked
 * before any takes effect. Thread-safe. Like the settings, the history lives in memory: after a
 * restart it begins again with the version the app started with.
 */
public final class SettingsService {

    private final AtomicReference<RuntimeSettings> current;
    private final java.util.function.Consumer<RuntimeSettings> onChange;
    private final Clock clock;
    /** Oldest first; guarded by this. */
    private final List<VersionRun> versionRuns = new ArrayList<>();

    /** One worker version's run: the version and when the workers were switched to it. */
    public record VersionRun(WorkerVersion version, Instant since) {
    }

    /** The most version runs kept: enough for any walkthrough, bounded for a long-lived process. */
    static final int MAX_VERSION_RUNS = 20;

    public SettingsService(RuntimeSettings initial) {
        this(initial, s -> { });
    }

    /**
     * {@code onChange} applies new settings beyond this holder (the workers' delivery guarantee,
     * consumption and version) before they are shown; an {@link IllegalArgumentException} from it
     * refuses the update.
     */
    public SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange) {
        this(initial, onChange, Clock.systemUTC());
    }

    SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange, Clock clock) {
        this.current = new AtomicReference<>(initial);
        this.onChange = onChange;
        this.clock = clock;
        versionRuns.add(new VersionRun(initial.workerVersion(), clock.instant()));
    }

    public RuntimeSettings current() {
        return current.get();
    }

    /** The worker versions that ran, oldest first, the last one running now. */
    public synchronized List<VersionRun> versionRuns() {
        return List.copyOf(versionRuns);
    }

    /**
     * Applies the fields present in {@code changes} ({@code partitionKey}, {@code delivery},
     * {@code maxBacklog}, {@code autoscale}, {@code consumption}, {@code workerVersion});
     * {@link InvalidValueException} naming the field and value for an unknown field, a bad value
     * or a combination the workers cannot run (exactly-once with shared consumption), and then
     * nothing changes. A new worker version counts as running from when its workers were started
     * (the change applied).
     */
    public synchronized RuntimeSettings update(Map<String, Object> changes) {
        try {
            return apply(changes);
        } catch (IllegalArgumentException e) {
            // the parsers, the settings' own checks and onChange refuse with the field and value given
            throw e instanceof InvalidValueException invalid ? invalid : new InvalidValueException(e);
        }
    }

    private RuntimeSettings apply(Map<String, Object> changes) {
        RuntimeSettings old = current.get();
        PartitionKey key = old.partitionKey();
        String delivery = old.delivery();
        long maxBacklog = old.maxBacklog();
        boolean autoscale = old.autoscale();
        String consumption = old.consumption();
        WorkerVersion version = old.workerVersion();
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "partitionKey" -> key = PartitionKey.fromWireName(String.valueOf(v));
                case "delivery" -> delivery = String.valueOf(v);
                case "maxBacklog" -> maxBacklog = wholeNumber("maxBacklog", v);
                case "autoscale" -> autoscale = bool("autoscale", v);
                case "consumption" -> consumption = String.valueOf(v);
                case "workerVersion" -> version = workerVersion(v);
                default -> throw new IllegalArgumentException("unknown setting '" + e.getKey()
                        + "'; known: partitionKey, delivery, maxBacklog, autoscale, consumption, workerVersion");
            }
        }
        RuntimeSettings updated = new RuntimeSettings(key, delivery, maxBacklog, autoscale, consumption, version);
        onChange.accept(updated); // may refuse (exactly-once with shared workers): then nothing changes
        current.set(updated);
        if (updated.workerVersion() != old.workerVersion()) {
            versionRuns.add(new VersionRun(updated.workerVersion(), clock.instant()));
            if (versionRuns.size() > MAX_VERSION_RUNS) {
                versionRuns.remove(0);
            }
        }
        return updated;
    }

    private static WorkerVersion workerVersion(Object v) {
        if (!(v instanceof String name)) {
            throw new IllegalArgumentException("workerVersion must be one of " + WorkerVersion.names() + ", was " + v);
        }
        return WorkerVersion.parse("workerVersion", name);
    }

    /**
     * {@code v} as a long when it is a whole number a long holds ({@code 5} or {@code 5.0}). A
     * number past a long's range is refused: narrowing it would set some other value (2^64 + 5
     * would become 5) and answer 200 with it.
     */
    private static long wholeNumber(String field, Object v) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            BigDecimal exact = new BigDecimal(n.toString());
            if (exact.stripTrailingZeros().scale() <= 0) {
                try {
                    return exact.longValueExact();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(field + (exact.signum() > 0 ? " must be at most "
                            + Long.MAX_VALUE : " must be at least " + Long.MIN_VALUE) + ", was " + v);
                }
            }
        }
        throw new IllegalArgumentException(field + " must be a whole number, was " + v);
    }

    private static boolean bool(String field, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(field + " must be true or false, was " + v);
    }
}
