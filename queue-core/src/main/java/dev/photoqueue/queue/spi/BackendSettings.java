package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.InvalidConfigException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a backend's string settings (those handed to
 * {@link dev.photoqueue.queue.api.QueueBackends#open}), so that every backend refuses a bad value
 * alike: an {@link InvalidConfigException} naming the key, the value as given and the rule it
 * breaks. An absent setting takes its default unchecked. Stateless.
 */
public final class BackendSettings {

    private BackendSettings() {
    }

    /** The whole number under {@code key}, blanks around it allowed, in {@code min..max}; {@code defaultValue} when absent. */
    public static int intSetting(Map<String, String> settings, String key, int defaultValue, int min, int max) {
        String value = settings.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new InvalidConfigException(key, value, "must be " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, value, "not a whole number");
        }
    }

    /** {@code true} or {@code false} under {@code key}, in any case; {@code defaultValue} when absent. */
    public static boolean booleanSetting(Map<String, String> settings, String key, boolean defaultValue) {
        String value = settings.get(key);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(key, value, "expected true or false");
        };
    }

    /**
     * The settings whose keys start with {@code prefix}, under their keys without it, in the order
     * of {@code settings}: the settings a backend passes on to one of its parts.
     */
    public static Map<String, String> withPrefix(Map<String, String> settings, String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key.substring(prefix.length()), value);
            }
        });
        return found;
    }
}
