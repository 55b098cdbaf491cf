package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Tells what no record tells: how a delivery with no outcome ended, by the members of the
 * thumbnailers group. A delivery whose member has left the group is {@code crashed} (and under
 * at-most-once {@code lost}); a delivery that came again with no ack of the one before (or whose
 * job was dead-lettered for its deliveries, the last one unacked) ended {@code crashed} when that
 * one's member left, {@code expired} when it stayed. The members are read
 * on a thread of its own every {@link #MEMBERS_EVERY} while some delivery waits for them (an admin
 * call a second, not while every photo has its outcome).
 */
final class DeliverySettler implements AutoCloseable {

    /** How often the group's members are read, to tell which open deliveries lost their worker. */
    static final Duration MEMBERS_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(StatusView.class);

    /** Who was in the thumbnailers group when. */
    private record Members(long atMillis, Set<String> ids) {
    }

    private final QueueBackend backend;
    /** The members of the thumbnailers group at a moment, read off the reading thread. */
    private final AtomicReference<Members> members = new AtomicReference<>();
    private final ScheduledExecutorService memberReader;
    /** Set by the reading thread: some delivery waits for a reading of the members. */
    private volatile boolean membersWanted;
    private long membersSeen; // reading thread only

    DeliverySettler(QueueBackend backend) {
        this.backend = backend;
        this.memberReader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-view-members");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts reading the members while they are wanted. */
    void start() {
        memberReader.scheduleWithFixedDelay(this::readMembers, 0, MEMBERS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the group's members while a delivery waits to be settled by them; a failure (the
     * backend away, no such group yet) leaves the last reading.
     */
    private void readMembers() {
        if (!membersWanted) {
            return;
        }
        try {
            long at = System.currentTimeMillis();
            Set<String> ids = new HashSet<>();
            backend.admin().describeGroup(Topics.THUMBNAILERS).members().forEach(m -> ids.add(m.memberId()));
            members.set(new Members(at, ids));
        } catch (RuntimeException e) {
            LOG.debug("status view: could not read the members of {}: {}", Topics.THUMBNAILERS, e.toString());
        }
    }

    /**
     * Marks the open deliveries of the cache whose member has left the group, by the latest
     * reading of the members taken after the delivery was recorded (a member is in the group
     * before it is handed anything): {@code crashed}, and at-most-once also {@code lost}; and
     * settles the deliveries that came again. Each photo changed goes to {@code publish}. Reading
     * thread.
     */
    void settle(PhotoCache cache, Consumer<Track> publish) {
        Set<String> open = cache.open();
        Set<String> unsettledEnds = cache.unsettledEnds();
        membersWanted = !open.isEmpty() || !unsettledEnds.isEmpty();
        Members now = members.get();
        if (now == null || now.atMillis() == membersSeen || (open.isEmpty() && unsettledEnds.isEmpty())) {
            return;
        }
        membersSeen = now.atMillis();
        // A delivery that came again with no ack before: its member left (crashed) or stayed (its lock expired).
        for (Iterator<String> it = unsettledEnds.iterator(); it.hasNext(); ) {
            Track t = cache.tracked(it.next());
            if (t == null || t.unsettledEnd == null) {
                it.remove();
            } else if (t.unsettledEndAt < now.atMillis()) {
                it.remove();
                t.settleEnd(now.ids().contains(t.unsettledEnd.memberId()));
                publish.accept(t);
            }
        }
        for (Iterator<String> it = open.iterator(); it.hasNext(); ) {
            Track t = cache.tracked(it.next());
            if (t == null || t.delivered == null) {
                it.remove();
                continue;
            }
            if (t.deliveredAt < now.atMillis() && !now.ids().contains(t.delivered.memberId())) {
                it.remove();
                t.memberGone(now.atMillis());
                publish.accept(t);
            }
        }
    }

    @Override
    public void close() {
        memberReader.shutdownNow();
    }
}
