package dev.photoqueue.upload.service;

import java.util.Locale;

/** What a job is keyed by, and so which partition of {@code photo.uploaded} it lands on. */
public enum PartitionKey {
    /** Spreads evenly: every photo has its own id. */
    PHOTO_ID("photoId"),
    /** One user's photos stay in order on one partition. */
    USER_ID("userId"),
    /** A popular city makes a hot partition. */
    CITY("city");

    private final String wireName;

    PartitionKey(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON: {@code photoId}, {@code userId} or {@code city}. */
    public String wireName() {
        return wireName;
    }

    /** The key by its JSON name; {@link IllegalArgumentException} naming the choices otherwise. */
    public static PartitionKey fromWireName(String name) {
        for (PartitionKey key : values()) {
            if (key.wireName.equalsIgnoreCase(name) || key.name().equals(name.toUpperCase(Locale.ROOT))) {
                return key;
            }
        }
        throw new IllegalArgumentException("partitionKey must be photoId, userId or city, was '" + name + "'");
    }
}
