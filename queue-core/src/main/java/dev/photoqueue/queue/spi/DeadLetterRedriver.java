package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The dead-letter calls of {@link Admin} on top of one backend's {@link #scan}, so that every
 * backend lists, redrives one and redrives all alike. Which dead letters were redriven is the
 * progress of the internal group {@value #GROUP}; how a backend reads and records it is its own.
 * One redrive at a time per instance: the calls are serialised on it.
 */
public abstract class DeadLetterRedriver {

    /** The internal group whose progress marks dead letters redriven; internal, so never listed. */
    public static final String GROUP = "__redrive";

    /** Named after the backend's class, so the log says which backend redrove. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    /** As {@link Admin#deadLetters}: those not yet redriven, in order, with delivery count 0. */
    public final synchronized List<ConsumerRecord> deadLetters(String dlqTopic) {
        List<ConsumerRecord> out = new ArrayList<>();
        scan(dlqTopic, r -> {
            out.add(r.withDeliveryCount(0));
            return false;
        }, null);
        return out;
    }

    /** As {@link Admin#redrive}: true when the dead letter at {@code dlqOffset} was sent back now. */
    public final synchronized boolean redrive(String dlqTopic, long dlqOffset) {
        return scan(dlqTopic, r -> r.offset() == dlqOffset && redrivable(r), r -> r.offset() == dlqOffset) == 1;
    }

    /** As {@link Admin#redriveAll}: paced by {@link DeadLetters#pacedRedrive}; how many were sent back. */
    public final synchronized long redriveAll(String dlqTopic, Predicate<ConsumerRecord> filter,
                                              double recordsPerSecond) {
        return scan(dlqTopic, DeadLetters.pacedRedrive(filter.and(this::redrivable), recordsPerSecond), null);
    }

    /**
     * Whether {@code r} says where it goes back to (a topic, and a partition that is a number). A
     * record of a dead-letter topic that does not (one written there by hand) stays there, listed,
     * with a warning: it must not stop the redrive of the dead letters behind it.
     */
    private boolean redrivable(ConsumerRecord r) {
        Header topic = r.header(DeadLetters.TOPIC);
        Header partition = r.header(DeadLetters.PARTITION);
        try {
            if (topic != null && partition != null && Integer.parseInt(partition.valueAsString()) >= 0) {
                return true;
            }
        } catch (NumberFormatException e) {
            // worded below, as a missing header
        }
        log.warn("{}-{}@{} is no dead letter: it has no {} and {} headers naming where it came from; left there",
                r.topic(), r.partition(), r.offset(), DeadLetters.TOPIC, DeadLetters.PARTITION);
        return false;
    }

    /**
     * Reads the dead letters of {@code dlqTopic} not yet redriven, in order, sending back
     * ({@link DeadLetters#redriveRecord}) each one {@code redrive} accepts and marking it redriven
     * no earlier than its copy is written, so a crash never loses one (the in-house backend makes
     * copy and mark one transaction, so it never doubles one either);
     * stops after the first one {@code stopAfter} (null: none) matches, else at the end the topic had
     * when the scan began. Returns how many were redriven, through {@link #finish}. Throws
     * {@link dev.photoqueue.queue.api.UnknownTopicException} naming {@code dlqTopic} when it does not exist.
     */
    protected abstract long scan(String dlqTopic, Predicate<ConsumerRecord> redrive,
                                 Predicate<ConsumerRecord> stopAfter);

    /** Logs a redrive that sent any dead letters of {@code dlqTopic} back; returns {@code redriven}. */
    protected final long finish(String dlqTopic, long redriven) {
        if (redriven > 0) {
            log.info("redrove {} dead letters of {} back to where they came from", redriven, dlqTopic);
        }
        return redriven;
    }
}
