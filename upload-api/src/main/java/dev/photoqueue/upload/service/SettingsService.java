package dev.photoqueue.upload.service;

import dev.photoqueue.worker.WorkerVersion;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the {@link RuntimeSettings}, and when each worker version began to run (the moment a bug
 * started is where its replay starts). Updates are all-or-nothing: every given field is checked
 * before any takes effect, and with a {@link SettingsFile} the fields given are saved (durably)
 * before the new settings are applied, so a restart runs what the last successful update set.
 * Thread-safe. The version history lives in memory: after a restart it begins again with the
 * version the app started with.
 */
public final class SettingsService {

    private final AtomicReference<RuntimeSettings> current;
    private final java.util.function.Consumer<RuntimeSettings> onChange;
    private final java.util.function.Consumer<Map<String, Object>> save;
    private final Clock clock;
    /** Oldest first; guarded by this. */
    private final List<VersionRun> versionRuns = new ArrayList<>();
    /** The fields saved so far, by name (sorted), as wire values (what the settings file holds); guarded by this. */
    private Map<String, Object> savedFields;

    /** One worker version's run: the version and when the workers were switched to it. */
    public record VersionRun(WorkerVersion version, Instant since) {
    }

    /** The most version runs kept: enough for any walkthrough, bounded for a long-lived process. */
    static final int MAX_VERSION_RUNS = 20;

    /** The names of the settings, in the order the API lists them. */
    static final List<String> FIELDS = List.of("partitionKey", "delivery", "maxBacklog", "autoscale", "consumption",
            "workerVersion");

    public SettingsService(RuntimeSettings initial) {
        this(initial, s -> { });
    }

    /**
     * {@code onChange} applies new settings beyond this holder (the workers' delivery guarantee,
     * consumption and version) before they are shown; an {@link IllegalArgumentException} from it
     * refuses the update. The settings live in memory only.
     */
    public SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange) {
        this(initial, Map.of(), fields -> { }, onChange, Clock.systemUTC());
    }

    /**
     * Starts from {@code loaded} (the start-up defaults with the file's saved fields over them) and
     * saves each update's fields to {@code file} before {@code onChange} applies them.
     */
    public SettingsService(SettingsFile.Loaded loaded, SettingsFile file,
                           java.util.function.Consumer<RuntimeSettings> onChange) {
        this(loaded.settings(), loaded.savedFields(), file::save, onChange, Clock.systemUTC());
    }

    SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange, Clock clock) {
        this(initial, Map.of(), fields -> { }, onChange, clock);
    }

    SettingsService(RuntimeSettings initial, Map<String, Object> savedFields,
                    java.util.function.Consumer<Map<String, Object>> save,
                    java.util.function.Consumer<RuntimeSettings> onChange, Clock clock) {
        this.current = new AtomicReference<>(initial);
        this.savedFields = java.util.Collections.unmodifiableMap(new TreeMap<>(savedFields));
        this.save = save;
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

    /** The fields saved so far (by updates, or in the settings file the app started from), as wire values. */
    public synchronized Map<String, Object> savedFields() {
        return savedFields;
    }

    /**
     * Applies the fields present in {@code changes} ({@code partitionKey}, {@code delivery},
     * {@code maxBacklog}, {@code autoscale}, {@code consumption}, {@code workerVersion});
     * {@link InvalidValueException} naming the field and value for an unknown field, a bad value
     * or a combination the workers cannot run (exactly-once with shared consumption), and then
     * nothing changes. The fields given are saved before the settings take effect:
     * {@link SettingsFile.SettingsNotSavedException} when that fails, and then nothing changes
     * either. A new worker version counts as running from when its workers were started (the
     * change applied).
     */
    public synchronized RuntimeSettings update(Map<String, Object> changes) {
        RuntimeSettings old = current.get();
        RuntimeSettings updated;
        try {
            updated = merge(old, changes);
        } catch (IllegalArgumentException e) {
            // the parsers and the settings' own checks refuse with the field and value given
            throw e instanceof InvalidValueException invalid ? invalid : new InvalidValueException(e);
        }
        Map<String, Object> saved = new TreeMap<>(savedFields);
        saved.putAll(wireFields(updated, changes.keySet()));
        saveOrRestore(saved, null);
        try {
            onChange.accept(updated);
        } catch (IllegalArgumentException e) {
            // the workers refused (exactly-once with shared workers): the file goes back to what runs
            saveOrRestore(savedFields, e);
            throw e instanceof InvalidValueException invalid ? invalid : new InvalidValueException(e);
        }
        savedFields = java.util.Collections.unmodifiableMap(saved);
        current.set(updated);
        if (updated.workerVersion() != old.workerVersion()) {
            versionRuns.add(new VersionRun(updated.workerVersion(), clock.instant()));
            if (versionRuns.size() > MAX_VERSION_RUNS) {
                versionRuns.remove(0);
            }
        }
        return updated;
    }

    /**
     * Saves {@code fields}; when that fails after the new file was renamed into place, writes the
     * fields in effect back, and throws the failure (suppressed into {@code refusal} if given).
     */
    private void saveOrRestore(Map<String, Object> fields, RuntimeException refusal) {
        try {
            save.accept(fields);
        } catch (SettingsFile.SettingsNotSavedException e) {
            if (fields != savedFields && e.fileReplaced()) {
                try {
                    save.accept(savedFields);
                } catch (SettingsFile.SettingsNotSavedException restore) {
                    e.addSuppressed(restore);
                }
            }
            if (refusal != null) {
                refusal.addSuppressed(e);
                return;
            }
            throw e;
        }
    }

    /**
     * {@code base} with the fields of {@code changes} put over it; {@link IllegalArgumentException}
     * naming the field and value for an unknown field, a bad value or a combination that cannot run.
     */
    static RuntimeSettings merge(RuntimeSettings base, Map<String, Object> changes) {
        PartitionKey key = base.partitionKey();
        String delivery = base.delivery();
        long maxBacklog = base.maxBacklog();
        boolean autoscale = base.autoscale();
        String consumption = base.consumption();
        WorkerVersion version = base.workerVersion();
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
                        + "'; known: " + String.join(", ", FIELDS));
            }
        }
        return new RuntimeSettings(key, delivery, maxBacklog, autoscale, consumption, version);
    }

    /** The wire values of {@code settings}' fields named in {@code names}, as the API and the settings file write them. */
    static Map<String, Object> wireFields(RuntimeSettings settings, java.util.Set<String> names) {
        Map<String, Object> all = Map.of("partitionKey", settings.partitionKey().wireName(),
                "delivery", settings.delivery(), "maxBacklog", settings.maxBacklog(),
                "autoscale", settings.autoscale(), "consumption", settings.consumption(),
                "workerVersion", settings.workerVersion().wireName());
        Map<String, Object> fields = new TreeMap<>();
        for (String name : names) {
            fields.put(name, all.get(name));
        }
        return fields;
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
