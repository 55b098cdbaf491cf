package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Whole numbers and booleans read from a backend's settings, with their defaults and refusals, and prefixed groups. */
class BackendSettingsTest {

    @Test
    void absentSettingsTakeTheirDefaultAndPresentOnesAreReadWithBlanksTrimmed() {
        Map<String, String> settings = Map.of("n", " 42 ", "flag", " FALSE ");
        assertEquals(42, BackendSettings.intSetting(settings, "n", 7, 1, 100));
        assertEquals(7, BackendSettings.intSetting(settings, "absent", 7, 1, 100));
        assertFalse(BackendSettings.booleanSetting(settings, "flag", true));
        assertTrue(BackendSettings.booleanSetting(settings, "absent", true));
    }

    @Test
    void wholeNumbersAtTheEndsOfTheirRangeAreAccepted() {
        assertEquals(-1, BackendSettings.intSetting(Map.of("n", "-1"), "n", 5, -1, 10));
        assertEquals(10, BackendSettings.intSetting(Map.of("n", "10"), "n", 5, -1, 10));
    }

    @Test
    void badWholeNumbersAreRefusedWithTheKeyTheValueAndTheRule() {
        Map<String, String> reasons = Map.of("abc", "not a whole number", "1.5", "not a whole number",
                "", "not a whole number", "99999999999", "not a whole number", "0", "must be 1..10", "11",
                "must be 1..10");
        reasons.forEach((value, reason) -> {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BackendSettings.intSetting(Map.of("some.ms", value), "some.ms", 5, 1, 10), value);
            assertEquals("some.ms", e.key());
            assertEquals(value, e.value());
            assertEquals("invalid value \"" + value + "\" for some.ms: " + reason, e.getMessage());
        });
    }

    @Test
    void anythingButTrueOrFalseIsRefusedAsABoolean() {
        for (String value : List.of("yes", "1", "", "truth")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BackendSettings.booleanSetting(Map.of("flag", value), "flag", true), value);
            assertEquals("invalid value \"" + value + "\" for flag: expected true or false", e.getMessage());
        }
    }

    @Test
    void prefixedSettingsComeWithoutThePrefixInTheirOrder() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("topic.segment.bytes", "1024");
        settings.put("data.dir", "/tmp/q");
        settings.put("topic.fsync", "always");
        settings.put("topics", "not prefixed by 'topic.'");
        assertEquals(List.of(Map.entry("segment.bytes", "1024"), Map.entry("fsync", "always")),
                List.copyOf(BackendSettings.withPrefix(settings, "topic.").entrySet()));
        assertTrue(BackendSettings.withPrefix(settings, "kafka.client.").isEmpty());
    }
}
