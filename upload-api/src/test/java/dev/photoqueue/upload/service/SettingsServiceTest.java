package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused settings change is an {@link InvalidValueException} naming the field and value,
 * whether the field, its value or the workers refuse it, and then nothing changes; the fields given
 * are saved before the workers apply them, and written back to those in effect when they refuse.
 */
class SettingsServiceTest {

    private static final RuntimeSettings INITIAL = new RuntimeSettings(PartitionKey.PHOTO_ID,
            RuntimeSettings.AT_LEAST_ONCE, 100, false);

    @Test
    void anUnknownFieldOrABadValueIsAnInvalidValueNamingItAndNothingChanges() {
        SettingsService settings = new SettingsService(INITIAL);
        InvalidValueException unknown = assertThrows(InvalidValueException.class,
                () -> settings.update(Map.of("colour", "red")));
        assertTrue(unknown.getMessage().contains("'colour'"), unknown.getMessage());
        InvalidValueException badKey = assertThrows(InvalidValueException.class,
                () -> settings.update(Map.of("partitionKey", "planet")));
        assertTrue(badKey.getMessage().contains("'planet'"), badKey.getMessage());
        InvalidValueException badBacklog = assertThrows(InvalidValueException.class,
                () -> settings.update(Map.of("maxBacklog", 0)));
        assertTrue(badBacklog.getMessage().contains("maxBacklog"), badBacklog.getMessage());
        assertEquals(INITIAL, settings.current());
    }

    @Test
    void aChangeTheWorkersRefuseIsAnInvalidValueAndNothingChanges() {
        SettingsService settings = new SettingsService(INITIAL, s -> {
            throw new IllegalArgumentException("delivery " + s.delivery() + " cannot run with shared consumption");
        });
        InvalidValueException refused = assertThrows(InvalidValueException.class,
                () -> settings.update(Map.of("delivery", "exactly-once")));
        assertEquals("delivery exactly-once cannot run with shared consumption", refused.getMessage());
        assertEquals(INITIAL, settings.current());
    }

    @Test
    void theFieldsGivenAreSavedBeforeTheWorkersApplyThemAndWrittenBackWhenTheyRefuse() {
        List<Map<String, Object>> saves = new ArrayList<>();
        List<String> order = new ArrayList<>();
        SettingsService settings = new SettingsService(INITIAL, Map.of("maxBacklog", 100L), fields -> {
            order.add("save " + fields);
            saves.add(fields);
        }, s -> {
            order.add("apply " + s.delivery());
            if (s.delivery().equals(RuntimeSettings.AT_MOST_ONCE)) {
                throw new IllegalArgumentException("delivery " + s.delivery() + " refused by the workers");
            }
        }, Clock.systemUTC());

        settings.update(Map.of("delivery", "exactly-once"));
        assertEquals(List.of("save {delivery=exactly-once, maxBacklog=100}", "apply exactly-once"), order,
                "saved (with the fields saved before) before the workers apply it");

        order.clear();
        assertThrows(InvalidValueException.class, () -> settings.update(Map.of("delivery", "at-most-once")));
        assertEquals(List.of("save {delivery=at-most-once, maxBacklog=100}", "apply at-most-once",
                "save {delivery=exactly-once, maxBacklog=100}"), order, "the fields in effect written back");
        assertEquals(RuntimeSettings.EXACTLY_ONCE, settings.current().delivery());
        assertEquals(Map.of("delivery", "exactly-once", "maxBacklog", 100L), settings.savedFields());
    }
}
