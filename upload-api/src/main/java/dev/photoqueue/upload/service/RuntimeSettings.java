package dev.photoqueue.upload.service;

import java.util.Objects;

/**
 * The knobs the dashboard turns at run time.
 *
 * @param partitionKey what new jobs are keyed by
 * @param delivery     the thumbnail workers' delivery guarantee; the embedded pool acks after
 *                     processing, so {@code at-least-once} is the one value it runs with
 * @param maxBacklog   jobs waiting before uploads are refused with 503
 * @param autoscale    add embedded workers while the backlog grows, remove them when idle
 */
public record RuntimeSettings(PartitionKey partitionKey, String delivery, long maxBacklog, boolean autoscale) {

    /** The delivery guarantee the embedded workers run with. */
    public static final String AT_LEAST_ONCE = "at-least-once";

    public RuntimeSettings {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(delivery, "delivery");
        if (!AT_LEAST_ONCE.equals(delivery)) {
            throw new IllegalArgumentException("delivery '" + delivery + "' is not available: the embedded "
                    + "thumbnail workers ack after processing, so they run " + AT_LEAST_ONCE);
        }
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be >= 1, was " + maxBacklog);
        }
    }
}
