package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.worker.Delivery;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerVersion;

import java.util.Locale;
import java.util.Objects;

/**
 * The knobs the dashboard turns at run time.
 *
 * @param partitionKey what new jobs are keyed by
 * @param delivery     the embedded thumbnail workers' delivery guarantee, {@value #AT_LEAST_ONCE},
 *                     {@value #AT_MOST_ONCE} or {@value #EXACTLY_ONCE}
 * @param maxBacklog   jobs waiting before uploads are refused with 503
 * @param autoscale    add embedded workers while the backlog grows, remove them when idle
 * @param consumption  how the embedded workers share the jobs: {@value #ORDERED} (each partition
 *                     owned by one worker, in order) or {@value #SHARED} (any worker takes any job,
 *                     under a lock); exactly-once needs {@value #ORDERED}
 * @param workerVersion the release the embedded workers and synchronous uploads render with
 */
public record RuntimeSettings(PartitionKey partitionKey, String delivery, long maxBacklog, boolean autoscale,
                              String consumption, WorkerVersion workerVersion) {

    public static final String ORDERED = "ordered";
    public static final String SHARED = "shared";

    /** A job is done when acked: a crash before means it comes again (the default). */
    public static final String AT_LEAST_ONCE = "at-least-once";
    /** A job is done when handed out: a crash loses it. */
    public static final String AT_MOST_ONCE = "at-most-once";
    /** A job's outcome and its ack are committed together: a crash leaves neither. */
    public static final String EXACTLY_ONCE = "exactly-once";

    public RuntimeSettings {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(workerVersion, "workerVersion");
        Delivery guarantee = Delivery.fromWireName(delivery);
        delivery = guarantee.wireName();
        guarantee.requireSupportedBy(consumptionMode(consumption));
        consumption = consumption.trim().toLowerCase(Locale.ROOT);
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be >= 1, was " + maxBacklog);
        }
    }

    /** {@link ConsumptionMode} of a wire name; {@link IllegalArgumentException} naming the two. */
    public static ConsumptionMode consumptionMode(String wireName) {
        return WorkerConfig.parseMode("consumption", wireName);
    }

    /** Settings of ordered workers running {@link WorkerVersion#DEFAULT}. */
    public RuntimeSettings(PartitionKey partitionKey, String delivery, long maxBacklog, boolean autoscale) {
        this(partitionKey, delivery, maxBacklog, autoscale, ORDERED, WorkerVersion.DEFAULT);
    }
}
