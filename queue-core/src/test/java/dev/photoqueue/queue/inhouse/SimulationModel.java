package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulation's clients know, kept outside the simulated process so that it survives
 * every crash: each record sent and what became of its send, and each record handed to a
 * group's application with its delivery count. {@link #checkLog}, {@link #checkPosition} and
 * the hand-out checks compare what the queue shows against it and throw {@link AssertionError}
 * naming the broken guarantee. Single-threaded.
 */
final class SimulationModel {

    /** What a send's client knows of its record. */
    enum SendState {
        /** Sent, no answer yet, or the send failed: the record may or may not be in the log. */
        UNKNOWN,
        /** Acknowledged at {@code offset}: must stay there, once durable. */
        ACKED,
        /** Known not to be in the log: a restart's recovery did not find it. It must never appear. */
        LOST
    }

    static final class Sent {
        final String topic;
        final String payload;
        SendState state = SendState.UNKNOWN;
        int partition = -1;
        long offset = -1;

        Sent(String topic, String payload) {
            this.topic = topic;
            this.payload = payload;
        }
    }

    /** What one group's application saw of one record: the delivery count and time of each hand-out. */
    static final class Seen {
        final List<long[]> handOuts = new ArrayList<>();
        boolean settled;

        int lastCount() {
            int last = 0;
            for (long[] h : handOuts) {
                last = Math.max(last, (int) h[0]);
            }
            return last;
        }
    }

    private final Map<String, Sent> sent = new LinkedHashMap<>();
    /** group -> (partition, offset) -> what its application saw. */
    private final Map<String, Map<TopicPartition, TreeMap<Long, Seen>>> seen = new TreeMap<>();
    private final int maxDeliveries;

    SimulationModel(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    /** A send to a chosen partition: the simulation always names it, so a failed send's place is known. */
    Sent send(String topic, int partition, String payload) {
        Sent s = new Sent(topic, payload);
        s.partition = partition;
        if (sent.putIfAbsent(payload, s) != null) {
            throw new IllegalStateException("payload sent twice: " + payload);
        }
        return s;
    }

    void acked(Sent s, int partition, long offset) {
        s.state = SendState.ACKED;
        s.partition = partition;
        s.offset = offset;
    }

    Sent sent(String payload) {
        return sent.get(payload);
    }

    static String payload(ConsumerRecord r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    /**
     * Checks one partition as read back whole after a restart, and learns from it: every
     * acknowledged record at or below {@code durableBelow} (the partition's forced offset when the
     * power went; {@code Long.MAX_VALUE} after a crash of the process only) is there, at its
     * offset; every record there was sent to this topic, is there once, and is not one known lost.
     * A record whose send had no answer and that is there now counts as acknowledged at its
     * offset (recovery forced it); one that is not there is lost for good.
     */
    void checkLog(TopicPartition tp, List<ConsumerRecord> records, long durableBelow, String when) {
        Map<String, Long> at = new HashMap<>();
        for (ConsumerRecord r : records) {
            String payload = payload(r);
            Sent s = sent.get(payload);
            if (s == null || !s.topic.equals(tp.topic())) {
                throw new AssertionError(when + ": " + tp + "@" + r.offset() + " holds " + payload
                        + ", which was never sent to " + tp.topic());
            }
            if (at.put(payload, r.offset()) != null) {
                throw new AssertionError(when + ": " + payload + " is in " + tp + " twice");
            }
            if (s.state == SendState.LOST) {
                throw new AssertionError(when + ": " + payload + " reappeared in " + tp + "@" + r.offset()
                        + " after a restart had found it gone");
            }
            if (s.state == SendState.ACKED && (s.partition != tp.partition() || s.offset != r.offset())) {
                throw new AssertionError(when + ": " + payload + " was acknowledged at " + tp.topic() + "-"
                        + s.partition + "@" + s.offset + " but is at " + tp + "@" + r.offset());
            }
        }
        for (Sent s : sent.values()) {
            if (!s.topic.equals(tp.topic()) || (s.partition >= 0 && s.partition != tp.partition())) {
                continue;
            }
            Long offset = at.get(s.payload);
            if (s.state == SendState.ACKED && offset == null) {
                if (s.offset < durableBelow) {
                    throw new AssertionError(when + ": " + s.payload + ", acknowledged at " + tp + "@" + s.offset
                            + " (durable below " + durableBelow + "), is gone");
                }
                s.state = SendState.LOST; // acknowledged under fsync=interval and lost with the power
            } else if (s.state == SendState.UNKNOWN) {
                if (offset == null) {
                    s.state = SendState.LOST;
                } else {
                    acked(s, tp.partition(), offset);
                }
            }
        }
    }

    private Seen seen(String group, TopicPartition tp, long offset) {
        return seen.computeIfAbsent(group, g -> new TreeMap<>(SimulationModel::compare))
                .computeIfAbsent(tp, k -> new TreeMap<>()).computeIfAbsent(offset, o -> new Seen());
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    /**
     * A record the application of {@code group} processes: its delivery count must be above every
     * earlier one it saw (counts are persisted before hand-out, so they never fall, not even across
     * a crash or a power loss), it must not exceed the maximum, and an at-most-once group never
     * sees a record twice.
     */
    void handedOut(String group, ConsumerRecord r, boolean atMostOnce, long nowNanos, String when) {
        Seen s = seen(group, r.topicPartition(), r.offset());
        String what = when + ": group " + group + " got " + r.topicPartition() + "@" + r.offset() + " ("
                + payload(r) + ") with delivery count " + r.deliveryCount();
        if (atMostOnce && !s.handOuts.isEmpty()) {
            throw new AssertionError(what + ", but this at-most-once group had it already");
        }
        if (!s.handOuts.isEmpty() && r.deliveryCount() <= s.lastCount()) {
            throw new AssertionError(what + ", not above the count " + s.lastCount() + " it was handed out with before");
        }
        if (!atMostOnce && r.deliveryCount() > maxDeliveries) {
            throw new AssertionError(what + ", above the maximum of " + maxDeliveries);
        }
        if (s.handOuts.size() >= maxDeliveries && !atMostOnce) {
            throw new AssertionError(what + ", its hand-out number " + (s.handOuts.size() + 1)
                    + ", above the maximum of " + maxDeliveries);
        }
        s.handOuts.add(new long[] {r.deliveryCount(), nowNanos});
    }

    /**
     * A power loss with {@code internal.fsync=interval}: the delivery counts of {@code group}
     * persisted in the last {@code windowNanos} before {@code atNanos} may be gone, so the
     * hand-outs of that stretch no longer bind the counts to come ("only by what the last interval
     * held").
     */
    void forgetRecentHandOuts(String group, long atNanos, long windowNanos) {
        seen.getOrDefault(group, Map.of()).values().forEach(byOffset -> byOffset.values()
                .forEach(s -> s.handOuts.removeIf(h -> h[1] > atNanos - windowNanos)));
    }

    /** The application acked or rejected the record (the call returned normally). */
    void settled(String group, ConsumerRecord r) {
        seen(group, r.topicPartition(), r.offset()).settled = true;
    }

    /**
     * A group's committed position on {@code tp} as loaded after a restart: it never passes the
     * log, and under at-least-once every offset below it was settled by the group's application or
     * dead-lettered by the group ({@code deadLettered}), and so was really done.
     */
    void checkPosition(String group, TopicPartition tp, long committed, long logStart, long logEnd,
                       java.util.Set<Long> deadLettered, boolean atMostOnce, String when) {
        if (committed > logEnd) {
            throw new AssertionError(when + ": group " + group + " is committed at " + tp + "@" + committed
                    + ", past the log's end " + logEnd);
        }
        if (atMostOnce) {
            // At-most-once may lose records: a stop between the commit and the hand-out, or a commit
            // whose write failed and could not be cut back, skips them. What it must never do,
            // hand a record out twice, is checked at every hand-out.
            return;
        }
        Map<Long, Seen> byOffset = seen.getOrDefault(group, Map.of()).getOrDefault(tp, new TreeMap<>());
        for (long o = Math.max(0, logStart); o < committed; o++) {
            Seen s = byOffset.get(o);
            boolean done = s != null && s.settled;
            if (!done && !deadLettered.contains(o)) {
                throw new AssertionError(when + ": group " + group + " is committed at " + tp + "@" + committed
                        + ", but offset " + o + " was never settled by its application nor dead-lettered"
                        + (s == null ? " (never handed out)" : " (handed out " + s.handOuts.size() + " times)"));
            }
        }
    }

    /** The offsets of {@code tp} that {@code group} dead-lettered, from the letters' headers. */
    static java.util.Set<Long> deadLettered(List<ConsumerRecord> letters, String group, TopicPartition tp) {
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (ConsumerRecord letter : letters) {
            if (group.equals(header(letter, DeadLetters.GROUP)) && tp.topic().equals(header(letter, DeadLetters.TOPIC))
                    && String.valueOf(tp.partition()).equals(header(letter, DeadLetters.PARTITION))) {
                out.add(Long.parseLong(header(letter, DeadLetters.OFFSET)));
            }
        }
        return out;
    }

    static String header(ConsumerRecord r, String key) {
        String value = null;
        for (Header h : r.headers()) {
            if (h.key().equals(key)) {
                value = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    /** Payloads sent to {@code topic} that are acknowledged (in the log for good), in send order. */
    List<Sent> acknowledged(String topic) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent.values()) {
            if (s.topic.equals(topic) && s.state == SendState.ACKED) {
                out.add(s);
            }
        }
        return out;
    }
}
