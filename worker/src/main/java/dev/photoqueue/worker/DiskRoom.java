package dev.photoqueue.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Whether one worker's blob store has {@link PhotoProcessor#MIN_FREE_BYTES} free, so that a job
 * taken now can write its variants. A worker on a full disk takes no job, rather than fail each
 * one on the disk and spend its deliveries until the queue dead-letters good photos. Its member
 * stays silent meanwhile: after the session timeout the group moves its partitions to the others
 * (which wait as well, on a shared disk), and the next poll rejoins. Logs each change once.
 * One thread asks; any thread may read {@link #waiting}.
 */
final class DiskRoom {

    private static final Logger LOG = LoggerFactory.getLogger(DiskRoom.class);

    private final String workerId;
    private final Supplier<PhotoProcessor> processor;
    private final Duration pause;
    private volatile boolean waiting;

    /** For worker {@code workerId}, asking {@code processor}'s store; a full disk is asked again after {@code pause}. */
    DiskRoom(String workerId, Supplier<PhotoProcessor> processor, Duration pause) {
        this.workerId = workerId;
        this.processor = processor;
        this.pause = pause;
    }

    /** True when there is room for a job; if not, waits {@code pause} (or until interrupted) and says no. */
    boolean forAJob() {
        long free = processor.get().freeBytes();
        boolean room = free >= PhotoProcessor.MIN_FREE_BYTES;
        if (room == waiting) { // the disk filled up, or has room again
            if (room) {
                LOG.info("worker {}: {} MiB free for the blob store again, taking jobs", workerId, free >> 20);
            } else {
                LOG.warn("worker {}: the blob store has {} MiB free, below the {} MiB its variants need; "
                        + "taking no job until there is room", workerId, free >> 20,
                        PhotoProcessor.MIN_FREE_BYTES >> 20);
            }
            waiting = !room;
        }
        if (!room) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return room;
    }

    /** True while the last answer was no: the worker takes no job because the disk is too full. */
    boolean waiting() {
        return waiting;
    }
}
