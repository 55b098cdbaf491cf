package dev.photoqueue.queue.api;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Keys land on the same partition as with Kafka's default partitioner: {@code murmur2} is bit for
 * bit Kafka's {@code Utils.murmur2}, and {@code forKey} is {@code toPositive(murmur2(key)) % n}.
 */
class PartitionersTest {

    private static final int[] PARTITION_COUNTS = {1, 2, 3, 7, 12, 64, 1000, Integer.MAX_VALUE};

    @Test
    void murmur2AndForKeyMatchKafkaForRandomKeysOfEveryLength() {
        Random random = new Random(2024);
        for (int length = 0; length <= 50; length++) {
            for (int i = 0; i < 200; i++) {
                byte[] key = new byte[length];
                random.nextBytes(key);
                assertMatchesKafka(key);
            }
        }
    }

    @Test
    void murmur2AndForKeyMatchKafkaForTypicalKeys() {
        for (String key : new String[] {"", "a", "photo-1", "user:42", "ümlaut-ключ-鍵", "0123456789abcdef"}) {
            assertMatchesKafka(key.getBytes(StandardCharsets.UTF_8));
        }
        byte[] allOnes = new byte[17];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertMatchesKafka(allOnes);
    }

    private static void assertMatchesKafka(byte[] key) {
        String which = "key " + java.util.Arrays.toString(key);
        assertEquals(Utils.murmur2(key), Partitioners.murmur2(key), which);
        for (int n : PARTITION_COUNTS) {
            assertEquals(Utils.toPositive(Utils.murmur2(key)) % n, Partitioners.forKey(key, n), which + ", " + n + " partitions");
        }
    }

    @Test
    void forKeyRefusesNullKeyAndNoPartitions() {
        assertThrows(IllegalArgumentException.class, () -> Partitioners.forKey(null, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitioners.forKey(new byte[] {1}, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
