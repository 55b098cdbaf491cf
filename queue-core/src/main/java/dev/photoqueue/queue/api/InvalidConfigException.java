package dev.photoqueue.queue.api;

/** A configuration value that does not parse or is out of its range. */
public final class InvalidConfigException extends QueueException {

    private final String key;
    private final String value;

    public InvalidConfigException(String key, String value, String reason) {
        super("invalid value \"" + value + "\" for " + key + ": " + reason);
        this.key = key;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
