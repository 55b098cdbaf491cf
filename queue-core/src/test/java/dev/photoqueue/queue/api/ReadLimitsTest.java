package dev.photoqueue.queue.api;

import org.junit.jupiter.api.Test;

import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A plain consumer ({@link ConsumerConfig}) and a group member ({@link GroupConsumerConfig}) read
 * with the same limits: the same defaults and the same refusal of a limit below one.
 */
class ReadLimitsTest {

    @Test
    void groupMemberReadsWithThePlainConsumersDefaults() {
        GroupConsumerConfig member = GroupConsumerConfig.builder("g").build();
        assertEquals(500, ConsumerConfig.DEFAULTS.maxPollRecords());
        assertEquals(1 << 20, ConsumerConfig.DEFAULTS.fetchMaxBytes());
        assertEquals(ConsumerConfig.DEFAULTS.maxPollRecords(), member.maxPollRecords());
        assertEquals(ConsumerConfig.DEFAULTS.fetchMaxBytes(), member.fetchMaxBytes());
    }

    @Test
    void bothRefuseAMaxPollRecordsBelowOneNamingSettingAndValue() {
        assertRefused("max.poll.records", n -> ConsumerConfig.builder().maxPollRecords(n).build());
        assertRefused("max.poll.records", n -> GroupConsumerConfig.builder("g").maxPollRecords(n).build());
    }

    @Test
    void bothRefuseAFetchMaxBytesBelowOneNamingSettingAndValue() {
        assertRefused("fetch.max.bytes", n -> ConsumerConfig.builder().fetchMaxBytes(n).build());
        assertRefused("fetch.max.bytes", n -> GroupConsumerConfig.builder("g").fetchMaxBytes(n).build());
    }

    /** {@code build} with 1 is accepted; with 0 and -7 it throws, naming {@code key} and the value. */
    private static void assertRefused(String key, IntFunction<Record> build) {
        assertNotNull(build.apply(1));
        for (int bad : new int[] {0, -7}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> build.apply(bad));
            assertEquals(key, e.key());
            assertEquals(Integer.toString(bad), e.value());
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
    }
}
