package dev.photoqueue.upload.service;

import dev.photoqueue.worker.WorkerVersion;

import java.util.Objects;

/**
 * The knobs the dashboard turns at run time.
 *
 * @param partitionKey what new jobs are keyed by
 * @param delivery     the embedded thumbnail workers' delivery guarantee, {@value #AT_LEAST_ONCE}
 *                     or {@value #AT_MOST_ONCE}
 * @param maxBacklog   jobs waiting before uploads are refused with 503
 * @param autoscale    add embedded workers while the backlog grows, remove them when idle
 * @param workerVersion the release the embedded workers and synchronous uploads render with
 */
public record RuntimeSettings(PartitionKey partitionKey, String delivery, long maxBacklog, boolean autoscale,
                              WorkerVersion workerVersion) {

    /** A job is done when acked: a crash before means it comes again (the default). */
    public static final String AT_LEAST_ONCE = "at-least-once";
    /** A job is done when handed out: a crash loses it. */
    public static final String AT_MOST_ONCE = "at-most-once";

    public RuntimeSettings {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(workerVersion, "workerVersion");
        if (!AT_LEAST_ONCE.equals(delivery) && !AT_MOST_ONCE.equals(delivery)) {
            throw new IllegalArgumentException("delivery must be " + AT_LEAST_ONCE + " or " + AT_MOST_ONCE + ", was '"
                    + delivery + "'");
        }
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be >= 1, was " + maxBacklog);
        }
    }

    /** Settings whose workers run {@link WorkerVersion#DEFAULT}. */
    public RuntimeSettings(PartitionKey partitionKey, String delivery, long maxBacklog, boolean autoscale) {
        this(partitionKey, delivery, maxBacklog, autoscale, WorkerVersion.DEFAULT);
    }
}
