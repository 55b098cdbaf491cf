package dev.photoqueue.queue.testing;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the poison-record crash tests of both backends share: the records they send (one of them
 * the poison), the step their worker child JVMs run on every poll (the whole process halts on the
 * poison, as on a crash no catch block survives), and the dead letter the poison must end as.
 * Each test keeps its own backend, its own worker loop and the checks only its backend makes.
 */
public final class PoisonRecords {

    /** The value of the record that kills every worker it is delivered to. */
    public static final String POISON = "poison";
    /** The exit status of a worker halted by the poison. */
    public static final int HALT_STATUS = 3;

    private PoisonRecords() {
    }

    /**
     * {@code count} records for partition 0 of {@code topic}: record i has key {@code k<i>}, value
     * {@code r<i>} ({@link #POISON} at {@code poisonAt}) and the header {@code trace=t<i>}.
     */
    public static List<ProducerRecord> records(String topic, int count, int poisonAt) {
        List<ProducerRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = i == poisonAt ? POISON : "r" + i;
            records.add(new ProducerRecord(topic, 0, bytes("k" + i), bytes(value), null,
                    List.of(Header.of("trace", "t" + i))));
        }
        return records;
    }

    /** The values of every record of {@link #records} but the poison: what the workers must have processed. */
    public static Set<String> processedValues(int count, int poisonAt) {
        Set<String> values = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            if (i != poisonAt) {
                values.add("r" + i);
            }
        }
        return values;
    }

    /**
     * A worker's step over one poll's {@code records}, in order: on the poison it halts the process
     * at once (exit {@link #HALT_STATUS}); any other record's value is appended to {@code lines} as
     * a line, then the record is acked.
     */
    public static void processOrHalt(List<ConsumerRecord> records, GroupConsumer consumer, OutputStream lines)
            throws IOException {
        for (ConsumerRecord r : records) {
            if (POISON.equals(r.valueAsString())) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            lines.write((r.valueAsString() + "\n").getBytes(StandardCharsets.UTF_8));
            consumer.ack(r);
        }
    }

    /**
     * Asserts that {@code letter} is the poison of {@link #records} at {@code poisonAt}, dead-lettered
     * by {@code group} after {@code maxDeliveries} deliveries none of which ended in a release: its
     * value, key, trace header, offset, group, delivery count, error and cause.
     */
    public static void assertPoisonDeadLetter(ConsumerRecord letter, int poisonAt, String group, int maxDeliveries) {
        assertEquals(POISON, letter.valueAsString());
        assertEquals("k" + poisonAt, letter.keyAsString());
        assertEquals("t" + poisonAt, letter.header("trace").valueAsString());
        assertEquals(String.valueOf(poisonAt), letter.header(DeadLetters.OFFSET).valueAsString());
        assertEquals(group, letter.header(DeadLetters.GROUP).valueAsString());
        assertEquals(String.valueOf(maxDeliveries), letter.header(DeadLetters.DELIVERY_COUNT).valueAsString());
        assertEquals(DeadLetters.pastMaxDeliveriesError(null, maxDeliveries),
                letter.header(DeadLetters.ERROR).valueAsString(), "no delivery ended in a release: the dead letter says so");
        assertTrue(letter.header(DeadLetters.ERROR).valueAsString().startsWith("no acknowledgement in " + maxDeliveries));
        assertEquals("max-deliveries", letter.header(DeadLetters.CAUSE).valueAsString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
