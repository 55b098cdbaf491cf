package dev.photoqueue.worker.job;

import java.util.Objects;

/**
 * A worker was handed the photo's job: published by the worker at each delivery, before it starts,
 * outside any transaction, so that the history of a photo's deliveries is in the log (the group's
 * own bookkeeping is not, and on Kafka not visible to the app at all). A delivery followed by no
 * outcome and no later delivery from a live member tells that its worker died or went silent.
 *
 * @param deliveryCount which delivery of the job this is (1 the first time)
 * @param memberId      the group member that took it
 * @param workerId      the worker behind the member
 * @param guarantee     the worker's delivery guarantee ({@code at-most-once}, {@code at-least-once},
 *                      {@code exactly-once}): after an at-most-once delivery no other comes
 */
public record PhotoDelivered(String photoId, int deliveryCount, String memberId, String workerId, String guarantee)
        implements PhotoEvent {

    public PhotoDelivered {
        Objects.requireNonNull(photoId, "photoId");
    }
}
