package dev.photoqueue.queue.api;

import java.util.Locale;

/** When appended bytes are forced to the disk, per topic. */
public enum FsyncPolicy {
    /** A send completes, and readers see the record, only after its bytes are forced to disk. */
    ALWAYS,
    /** Bytes reach the OS at once (they survive a process crash) and are forced every interval or N records. */
    INTERVAL,
    /** Bytes reach the OS at once; the OS decides when they reach the disk. */
    NEVER;

    public static FsyncPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("fsync", value, "expected always, interval or never");
        }
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
