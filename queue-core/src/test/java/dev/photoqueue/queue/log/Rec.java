package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A record as the test wrote it: what a read at its offset must give back. */
public record Rec(long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public Rec {
        headers = List.copyOf(headers);
    }

    /** Fails with {@code context} when {@code actual} is not this record at {@code offset}. */
    public void assertMatches(long offset, ConsumerRecord actual, String context) {
        String where = context + ", offset " + offset;
        assertEquals(offset, actual.offset(), where + ": offset");
        assertEquals(timestamp, actual.timestamp(), where + ": timestamp");
        assertArrayEquals(key, actual.key(), where + ": key");
        assertArrayEquals(value, actual.value(), where + ": value");
        assertEquals(headers, actual.headers(), where + ": headers");
    }

    @Override
    public String toString() {
        return "Rec[ts=" + timestamp + ", key=" + (key == null ? "null" : Arrays.toString(key)) + ", value="
                + (value == null ? "null" : value.length + " bytes") + ", headers=" + headers + "]";
    }
}
