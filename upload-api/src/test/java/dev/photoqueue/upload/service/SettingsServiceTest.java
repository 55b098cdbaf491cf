package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused settings change is an {@link InvalidValueException} naming the field and value,
 * whether the field, its value or the workers refuse it, and then nothing changes.
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
}
