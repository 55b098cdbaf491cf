package dev.photoqueue.upload.service;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the {@link RuntimeSettings}. Updates are all-or-nothing: every given field is checked
 * before any takes effect. Thread-safe.
 */
public final class SettingsService {

    private final AtomicReference<RuntimeSettings> current;
    private final java.util.function.Consumer<RuntimeSettings> onChange;

    public SettingsService(RuntimeSettings initial) {
        this(initial, s -> { });
    }

    /**
     * {@code onChange} applies new settings beyond this holder (the workers' delivery guarantee)
     * before they are shown; an {@link IllegalArgumentException} from it refuses the update.
     */
    public SettingsService(RuntimeSettings initial, java.util.function.Consumer<RuntimeSettings> onChange) {
        this.current = new AtomicReference<>(initial);
        this.onChange = onChange;
    }

    public RuntimeSettings current() {
        return current.get();
    }

    /**
     * Applies the fields present in {@code changes} ({@code partitionKey}, {@code delivery},
     * {@code maxBacklog}, {@code autoscale}, {@code consumption}); {@link IllegalArgumentException}
     * naming the field and value for an unknown field, a bad value or a combination the workers
     * cannot run (exactly-once with shared consumption), and then nothing changes.
     */
    public synchronized RuntimeSettings update(Map<String, Object> changes) {
        RuntimeSettings old = current.get();
        PartitionKey key = old.partitionKey();
        String delivery = old.delivery();
        long maxBacklog = old.maxBacklog();
        boolean autoscale = old.autoscale();
        String consumption = old.consumption();
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "partitionKey" -> key = PartitionKey.fromWireName(String.valueOf(v));
                case "delivery" -> delivery = String.valueOf(v);
                case "maxBacklog" -> maxBacklog = wholeNumber("maxBacklog", v);
                case "autoscale" -> autoscale = bool("autoscale", v);
                case "consumption" -> consumption = String.valueOf(v);
                default -> throw new IllegalArgumentException("unknown setting '" + e.getKey()
                        + "'; known: partitionKey, delivery, maxBacklog, autoscale, consumption");
            }
        }
        RuntimeSettings updated = new RuntimeSettings(key, delivery, maxBacklog, autoscale, consumption);
        onChange.accept(updated); // may refuse (exactly-once with shared workers): then nothing changes
        current.set(updated);
        return updated;
    }

    private static long wholeNumber(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
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
