package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code max.backlog.records} and {@code max.backlog.bytes}: off by default, parsed, range-checked, kept by {@code toMap}. */
class BacklogSettingsTest {

    @Test
    void backlogLimitsAreOffByDefault() {
        assertEquals(-1, LogConfig.DEFAULTS.maxBacklogRecords());
        assertEquals(-1, LogConfig.DEFAULTS.maxBacklogBytes());
        assertFalse(LogConfig.DEFAULTS.limitsBacklog());
    }

    @Test
    void backlogLimitsParseAndRoundTripThroughToMap() {
        LogConfig config = LogConfig.DEFAULTS.with(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS, " 1000 ",
                TopicConfigs.MAX_BACKLOG_BYTES, "5000000000"));
        assertEquals(1000, config.maxBacklogRecords());
        assertEquals(5_000_000_000L, config.maxBacklogBytes());
        assertTrue(config.limitsBacklog());
        assertEquals(config, LogConfig.DEFAULTS.with(config.toMap()));
        assertTrue(LogConfig.DEFAULTS.with(Map.of(TopicConfigs.MAX_BACKLOG_BYTES, "1")).limitsBacklog());
        assertFalse(config.with(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS, "-1", TopicConfigs.MAX_BACKLOG_BYTES, "-1"))
                .limitsBacklog());
    }

    @Test
    void badBacklogLimitsAreRefusedByNameWithTheirValue() {
        for (String key : List.of(TopicConfigs.MAX_BACKLOG_RECORDS, TopicConfigs.MAX_BACKLOG_BYTES)) {
            for (String bad : List.of("0", "-2", "lots", "")) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class,
                        () -> LogConfig.DEFAULTS.with(Map.of(key, bad)), key + "=" + bad);
                assertEquals(key, e.key());
                assertTrue(e.getMessage().contains(key), e.getMessage());
            }
        }
    }
}
