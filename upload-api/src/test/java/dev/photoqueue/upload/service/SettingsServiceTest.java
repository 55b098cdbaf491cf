package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import dev.photoqueue.worker.WorkerVersion;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused settings change is an {@link InvalidValueException} naming the field and value,
 * whether the field, its value or the workers refuse it, and then nothing changes; the fields given
 * are saved before the workers apply them, and written back to those in effect when they refuse;
 * so is a new worker version's run.
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
        SettingsService settings = new SettingsService(INITIAL, Map.of("maxBacklog", 100L), List.of(), fields -> {
            order.add("save " + fields);
            saves.add(fields);
        }, runs -> { }, s -> {
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

    @Test
    void aNewWorkerVersionsRunIsSavedAfterTheFieldsAndBeforeTheWorkersSwitchAndTakenBackWhenTheyRefuse() {
        List<String> order = new ArrayList<>();
        Instant then = Instant.parse("2026-12-07T08:00:00Z");
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T09:30:00Z"), ZoneOffset.UTC);
        SettingsService settings = new SettingsService(INITIAL, Map.of(),
                List.of(new SettingsService.VersionRun(WorkerVersion.V1, then)),
                fields -> order.add("save " + fields), runs -> order.add("save runs " + names(runs)), s -> {
                    order.add("apply " + s.workerVersion().wireName());
                    if (s.workerVersion() == WorkerVersion.V3) {
                        throw new IllegalArgumentException("workerVersion v3 refused by the workers");
                    }
                }, clock);
        assertEquals(List.of(), order, "a start with the version that ran last continues its run, saving nothing");
        assertEquals(List.of(new SettingsService.VersionRun(WorkerVersion.V1, then)), settings.versionRuns());

        settings.update(Map.of("workerVersion", "v2"));
        assertEquals(List.of("save {workerVersion=v2}", "save runs [v1, v2]", "apply v2"), order);
        assertEquals(List.of(new SettingsService.VersionRun(WorkerVersion.V1, then),
                new SettingsService.VersionRun(WorkerVersion.V2, clock.instant())), settings.versionRuns());

        order.clear();
        assertThrows(InvalidValueException.class, () -> settings.update(Map.of("workerVersion", "v3")));
        assertEquals(List.of("save {workerVersion=v3}", "save runs [v1, v2, v3]", "apply v3",
                "save {workerVersion=v2}", "save runs [v1, v2]"), order, "both files written back to what runs");
        assertEquals(2, settings.versionRuns().size());

        order.clear();
        settings.update(Map.of("delivery", "exactly-once"));
        assertEquals(List.of("save {delivery=exactly-once, workerVersion=v2}", "apply v2"), order,
                "no new run without a new version");
    }

    @Test
    void aStartWithAnotherVersionThanTheLastThatRanSavesItsRunBeforeShowingIt() {
        List<List<SettingsService.VersionRun>> saved = new ArrayList<>();
        Instant then = Instant.parse("2026-12-07T08:00:00Z");
        SettingsService settings = new SettingsService(INITIAL, Map.of(),
                List.of(new SettingsService.VersionRun(WorkerVersion.V2, then)), fields -> { }, saved::add, s -> { },
                Clock.fixed(then.plusSeconds(60), ZoneOffset.UTC));
        List<SettingsService.VersionRun> runs = List.of(new SettingsService.VersionRun(WorkerVersion.V2, then),
                new SettingsService.VersionRun(WorkerVersion.V1, then.plusSeconds(60)));
        assertEquals(List.of(runs), saved);
        assertEquals(runs, settings.versionRuns());
    }

    private static List<String> names(List<SettingsService.VersionRun> runs) {
        return runs.stream().map(r -> r.version().wireName()).toList();
    }
}
