package dev.photoqueue.upload.service;

import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoUploaded;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the records said about one photo so far; touched by the reading thread only (a copy
 * decoded from the index by any).
 */
final class Track {
    final String id;
    /** How many timed replays this track has dropped the re-read steps of. */
    int replayEpoch;
    final Map<String, String> variants = new LinkedHashMap<>();
    long lastJobAt;
    long processedAt;
    long failedAt;
    long deadAt;
    long updatedAt;
    int attempts;
    boolean duplicate;
    /** The latest delivery while it has no outcome, else null. */
    PhotoDelivered delivered;
    /**
     * The latest delivery, with or without an outcome; whether its worker settled it (a release, or
     * a failure, which the worker follows with a release or a reject), or it was found ended (crashed).
     */
    PhotoDelivered last;
    boolean lastReleased;
    boolean lastEnded;
    /**
     * A delivery that ended unacked, known from the next one or from its dead letter: how it ended
     * waits for the members. {@code unsettledEndWhen} tells when it ended and what the queue did then.
     */
    PhotoDelivered unsettledEnd;
    long unsettledEndAt;
    String unsettledEndWhen;
    int unsettledEndIndex;
    long deliveredAt;
    long lostAt;
    final List<JourneyStep> steps = new ArrayList<>();
    int partition = -1;
    long offset = -1;
    String error;
    String user;
    String city;
    /** The digest of the original, from the latest job; null while no job was read. */
    String sha256;
    Instant uploadedAt;

    Track(String id, long firstSeen) {
        this.id = id;
        this.uploadedAt = Instant.ofEpochMilli(firstSeen);
        this.updatedAt = firstSeen;
    }

    /** A job of the photo, stored at {@code partition}/{@code offset} of photo.uploaded at {@code timestamp}. */
    void job(PhotoUploaded job, int partition, long offset, long timestamp) {
        lastJobAt = Math.max(lastJobAt, timestamp);
        this.partition = partition;
        this.offset = offset;
        user = job.userId();
        city = job.city();
        sha256 = job.sha256();
        uploadedAt = job.uploadedAt();
        updatedAt = timestamp;
    }

    /**
     * A worker took the photo's job. True when that shows the delivery before ended unacked
     * (the same job again: a higher count; a replay starts counting afresh), unless it was
     * released or already found crashed: its step waits for {@link #settleEnd}.
     */
    boolean delivery(PhotoDelivered d, long at) {
        boolean unacked = last != null && d.deliveryCount() > last.deliveryCount() && !lastReleased && !lastEnded;
        if (unacked) {
            unsettledEnd(at, "the job was handed out again");
        }
        last = d;
        lastReleased = false;
        lastEnded = false;
        delivered = d;
        deliveredAt = at;
        attempts = Math.max(attempts, d.deliveryCount());
        steps.add(JourneyStep.of(at, "delivered", "delivery", d.deliveryCount(), "member", d.memberId(), "worker",
                d.workerId(), "guarantee", d.guarantee()));
        return unacked;
    }

    /**
     * The job was dead-lettered for running out of deliveries after {@code deliveries} of them. True
     * when that shows its last delivery ended unacked with no word of it yet (no release, no failure,
     * not found crashed): the queue gave up on the job when it would have handed it out once more, so
     * that delivery ended as one followed by another does. Its step waits for {@link #settleEnd} and
     * goes before the dead letter's: one step for each delivery, the last one included.
     */
    boolean ranOutOfDeliveries(int deliveries, long at) {
        boolean unacked = last != null && last.deliveryCount() == deliveries && !lastReleased && !lastEnded
                && unsettledEnd == null;
        if (unacked) {
            unsettledEnd(at, "it was the job's last delivery, so the job was dead-lettered");
            lastEnded = true;
            delivered = null; // ended: no member reading may find it crashed a second time
        }
        return unacked;
    }

    private void unsettledEnd(long at, String then) {
        unsettledEnd = last;
        unsettledEndAt = at;
        unsettledEndWhen = (delivered != null ? "without an outcome" : "after publishing its outcome, before acking "
                + "the job") + "; " + then;
        unsettledEndIndex = steps.size();
    }

    /**
     * Tells how the unacked delivery ended, by a reading of the members taken after the job
     * came again or was dead-lettered: its member gone, its worker died; still there, its lock or
     * session ran out.
     */
    void settleEnd(boolean memberStayed) {
        JourneyStep step = JourneyStep.of(unsettledEndAt, memberStayed ? "expired" : "crashed", "delivery",
                unsettledEnd.deliveryCount(), "worker", unsettledEnd.workerId(), "reason", (memberStayed
                        ? "its lock or session ran out " : "its worker left the group ") + unsettledEndWhen);
        steps.add(Math.min(unsettledEndIndex, steps.size()), step);
        unsettledEnd = null;
    }

    /** The open delivery's member left the group at {@code at} without an outcome. */
    void memberGone(long at) {
        lastEnded = true;
        steps.add(JourneyStep.of(at, "crashed", "delivery", delivered.deliveryCount(), "worker",
                delivered.workerId(), "reason", "its worker left the group without an outcome"));
        if ("at-most-once".equals(delivered.guarantee())) {
            lostAt = at;
            error = "delivered at-most-once to worker " + delivered.workerId() + ", which died with it: the job "
                    + "counted as done when it was handed out, so it is never delivered again";
            steps.add(JourneyStep.of(at, "lost", "reason", error));
        }
        updatedAt = Math.max(updatedAt, at);
        delivered = null;
    }

    PhotoStatus status() {
        if (processedAt > 0) {
            return PhotoStatus.DONE;
        }
        if (lostAt > 0 && lostAt >= lastJobAt) {
            return PhotoStatus.LOST;
        }
        if (deadLettered()) {
            return PhotoStatus.DEAD_LETTERED;
        }
        if (failedAt > 0 && failedAt >= lastJobAt) {
            return PhotoStatus.FAILED;
        }
        return PhotoStatus.QUEUED;
    }

    /** True while the latest job of the photo lies in the dead-letter topic: no job came after its dead letter. */
    boolean deadLettered() {
        return deadAt > 0 && deadAt >= lastJobAt;
    }

    PhotoView view() {
        PhotoStatus status = status();
        boolean deadLettered = deadLettered();
        // a DONE photo has no error to tell, unless its job was dead-lettered all the same: then its reason
        String shownError = status != PhotoStatus.DONE || deadLettered ? error : null;
        return new PhotoView(id, status, attempts, status == PhotoStatus.DONE ? variants : Map.of(), shownError,
                partition, offset, user, city, uploadedAt, Instant.ofEpochMilli(updatedAt),
                status == PhotoStatus.DONE && duplicate, deadLettered);
    }
}
