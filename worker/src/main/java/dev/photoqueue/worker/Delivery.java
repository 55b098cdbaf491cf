package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeliveryGuarantee;

import java.util.Arrays;
import java.util.Locale;

/**
 * The three delivery guarantees of the thumbnail workers, as the dashboard names them. Each says
 * when a job counts as done, and so what a worker that dies with a job in hand costs.
 */
public enum Delivery {

    /**
     * Done when handed out (the group's position moves before the worker starts): a worker that
     * dies mid-photo loses the photo. The cheapest: no redelivery, no second outcome.
     */
    AT_MOST_ONCE("at-most-once", DeliveryGuarantee.AT_MOST_ONCE),

    /**
     * Done when acked, after the outcome event is written: a worker that dies in between makes the
     * job come again, and its outcome is published twice (consumers must be idempotent).
     */
    AT_LEAST_ONCE("at-least-once", DeliveryGuarantee.AT_LEAST_ONCE),

    /**
     * Consume-transform-produce: the outcome event and the job's ack are committed in one
     * transaction, so a worker that dies in between leaves neither, and every job's outcome is read
     * once. Costs a transaction per photo; needs ORDERED consumption (SHARED locks cannot join a
     * transaction, on Kafka as here).
     */
    EXACTLY_ONCE("exactly-once", DeliveryGuarantee.AT_LEAST_ONCE);

    private final String wireName;
    private final DeliveryGuarantee consumerGuarantee;

    Delivery(String wireName, DeliveryGuarantee consumerGuarantee) {
        this.wireName = wireName;
        this.consumerGuarantee = consumerGuarantee;
    }

    /** {@code at-most-once}, {@code at-least-once} or {@code exactly-once}. */
    public String wireName() {
        return wireName;
    }

    /** The guarantee the workers' group consumers run with. */
    DeliveryGuarantee consumerGuarantee() {
        return consumerGuarantee;
    }

    /** True when outcome and ack are committed together in a transaction. */
    public boolean transactional() {
        return this == EXACTLY_ONCE;
    }

    /**
     * {@link IllegalArgumentException} when workers consuming in {@code mode} cannot give this
     * guarantee: exactly-once needs ORDERED members.
     */
    public void requireSupportedBy(ConsumptionMode mode) {
        if (transactional() && mode == ConsumptionMode.SHARED) {
            throw new IllegalArgumentException("delivery " + wireName + " needs consumption ordered, not shared: "
                    + "a shared record's lock cannot be acknowledged in a transaction (neither can a Kafka share "
                    + "group's); choose consumption ordered, or another delivery");
        }
    }

    /** Parses a wire name ({@code exactly-once}); {@link IllegalArgumentException} naming the three. */
    public static Delivery fromWireName(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(d -> d.wireName.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("delivery must be at-most-once, at-least-once or "
                        + "exactly-once, was '" + text + "'"));
    }
}
