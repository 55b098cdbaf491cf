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
 * Thread-safe. With a {@link SettingsFile} the version history is saved too, before it is shown:
 * a restart (also after {@code kill -9}) keeps it, and begins a new run only when it starts with
 * another version than the last one that ran.
 */
public final class SettingsService {

    private final AtomicReference<RuntimeSettings> current;
    private final java.util.function.Consumer<RuntimeSettings> onChange;
    private final java.util.function.Consumer<Map<String, Object>> save;
    private final java.util.function.Consumer<List<VersionRun>> saveVersionRuns;
    private final Clock clock;
    /** Oldest first, the last one running now; replaced, never changed; guarded by this. */
    private List<VersionRun> versionRuns;
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
        this(initial, onChange, Clock.systemUTC());
    }

    /**
     * Starts from {@code loaded} (the start-up defaults with the file's saved fields over them, and
     * the worker versions that ran) and saves each update's fields to {@code file} before
     * {@code onChange} applies them. A start with another worker version than the last that ran
     * (or the first start) saves the new run first: {@link SettingsFile.SettingsNotSavedException}
     * when it cannot.
     */
    public SettingsService(SettingsFile.Loaded loaded, SettingsFile file,
                           java.util.function.Consumer<RuntimeSettings> onChange) {
        this(loaded.settings(), loaded.savedFields(), loaded.versionRuns(), file::save, file::saveVersionRuns,
                onChange, Clock.systemUTC());
    }

    SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange, Clock clock) {
        this(initial, Map.of(), List.of(), fields -> { }, runs -> { }, onChange, clock);
    }

    SettingsService(RuntimeSettings initial, Map<String, Object> savedFields, List<VersionRun> versionRuns,
                    java.util.function.Consumer<Map<String, Object>> save,
                    java.util.function.Consumer<List<VersionRun>> saveVersionRuns,
                    java.util.function.Consumer<RuntimeSettings> onChange, Clock clock) {
        this.current = new AtomicReference<>(initial);
        this.savedFields = java.util.Collections.unmodifiableMap(new TreeMap<>(savedFields));
        this.save = save;
        this.saveVersionRuns = saveVersionRuns;
        this.onChange = onChange;
        this.clock = clock;
        this.versionRuns = List.copyOf(versionRuns);
        if (versionRuns.isEmpty() || versionRuns.get(versionRuns.size() - 1).version() != initial.workerVersion()) {
            List<VersionRun> started = withRun(this.versionRuns, initial.workerVersion());
            saveVersionRuns.accept(started);
            this.versionRuns = started;
        }
    }

    public RuntimeSettings current() {
        return current.get();
    }

    /** The worker versions that ran, oldest first, the last one running now. */
    public synchronized List<VersionRun> versionRuns() {
        return versionRuns;
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
     * nothing changes. The fields given, and a new worker version's run, are saved before the
     * settings take effect: {@link SettingsFile.SettingsNotSavedException} when that fails, and
     * then nothing changes either. A new worker version counts as running from the moment the
     * change was checked, just before its workers start, so a replay from then misses none of
     * the jobs it processed.
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
        List<VersionRun> runs = updated.workerVersion() == old.workerVersion() ? versionRuns
                : withRun(versionRuns, updated.workerVersion());
        saveOrRestore(save, saved, savedFields, null);
        if (runs != versionRuns) {
            try {
                saveOrRestore(saveVersionRuns, runs, versionRuns, null);
            } catch (SettingsFile.SettingsNotSavedException e) {
                saveOrRestore(save, savedFields, savedFields, e);
                throw e;
            }
        }
        try {
            onChange.accept(updated);
        } catch (IllegalArgumentException e) {
            // the workers refused (exactly-once with shared workers): the files go back to what runs
            saveOrRestore(save, savedFields, savedFields, e);
            if (runs != versionRuns) {
                saveOrRestore(saveVersionRuns, versionRuns, versionRuns, e);
            }
            throw e instanceof InvalidValueException invalid ? invalid : new InvalidValueException(e);
        }
        savedFields = java.util.Collections.unmodifiableMap(saved);
        versionRuns = runs;
        current.set(updated);
        return updated;
    }

    /** {@code runs} and a run of {@code version} from now, the oldest dropped past {@link #MAX_VERSION_RUNS}. */
    private List<VersionRun> withRun(List<VersionRun> runs, WorkerVersion version) {
        List<VersionRun> longer = new ArrayList<>(runs);
        longer.add(new VersionRun(version, clock.instant()));
        return List.copyOf(longer.subList(Math.max(0, longer.size() - MAX_VERSION_RUNS), longer.size()));
    }

    /**
     * Saves {@code value} with {@code save}; when that fails after the new file was renamed into
     * place, writes {@code inEffect} back, and throws the failure (suppressed into {@code refusal}
     * if given).
     */
    private static <T> void saveOrRestore(java.util.function.Consumer<T> save, T value, T inEffect,
                                          RuntimeException refusal) {
        try {
            save.accept(value);
        } catch (SettingsFile.SettingsNotSavedException e) {
            if (value != inEffect && e.fileReplaced()) {
                try {
                    save.accept(inEffect);
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
