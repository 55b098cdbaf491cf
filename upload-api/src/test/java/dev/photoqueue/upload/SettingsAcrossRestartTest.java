package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.upload.service.SettingsFile;
import dev.photoqueue.worker.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings a {@code PUT /api/settings} saved, on a real app on port 0 stopped and started again
 * on the same data directory: they are in effect from the start, a damaged settings file stops the
 * start naming it, and a save that fails changes nothing. ({@code KillAndRestartTest} does the
 * restart after {@code kill -9} in a process of its own.)
 */
class SettingsAcrossRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> ENV = Map.of("WORKERS", "1", "PARTITIONS", "2");

    @TempDir
    Path dataDir;

    @Test
    void exactlyOnceSavedByAPutIsWhatTheRestartedAppRuns() throws Exception {
        try (RunningApp first = RunningApp.start(dataDir, ENV)) {
            HttpResponse<String> put = first.client.admin("PUT", "/api/settings",
                    "{\"delivery\": \"exactly-once\", \"workerVersion\": \"v3\", \"partitionKey\": \"city\"}");
            assertEquals(200, put.statusCode(), put.body());
            assertEquals("exactly-once", json(put).get("delivery").asText());
        }
        JsonNode file = TestClient.JSON.readTree(dataDir.resolve(SettingsFile.FILE_NAME).toFile());
        assertEquals(TestClient.JSON.readTree("{\"delivery\": \"exactly-once\", \"workerVersion\": \"v3\","
                + " \"partitionKey\": \"city\"}"), file, "only the fields the PUT gave are saved");

        try (RunningApp second = RunningApp.start(dataDir, ENV)) {
            assertEquals(Delivery.EXACTLY_ONCE, second.app.workerDelivery(), "the workers the start began with");
            JsonNode settings = json(second.client.get("/api/settings"));
            assertEquals("exactly-once", settings.get("delivery").asText(), settings.toString());
            assertEquals("v3", settings.get("workerVersion").asText(), settings.toString());
            assertEquals("city", settings.get("partitionKey").asText(), settings.toString());
            assertEquals("ordered", settings.get("consumption").asText(), settings.toString());
            assertEquals(1000, settings.get("maxBacklog").asLong(), "not saved: MAX_BACKLOG's default");

            HttpResponse<String> upload = second.client.uploadPhoto("Dune.jpg");
            assertEquals(202, upload.statusCode(), upload.body());
            String id = json(upload).get("id").asText();
            JsonNode photo = second.client.await("/api/photos/" + id,
                    p -> p.get("status").asText().equals("DONE"), WAIT);
            assertTrue(photo.get("variants").get("thumb").asText().contains("/v3/"),
                    "rendered by the saved worker version: " + photo);
            assertEquals(Delivery.EXACTLY_ONCE, second.app.workerDelivery(), "the workers that processed it");
        }
    }

    @Test
    void theWorkerVersionsThatRanAndSinceWhenAreKeptAcrossARestart() throws Exception {
        JsonNode ran;
        try (RunningApp first = RunningApp.start(dataDir, ENV)) {
            HttpResponse<String> put = first.client.admin("PUT", "/api/settings", "{\"workerVersion\": \"v2\"}");
            assertEquals(200, put.statusCode(), put.body());
            ran = json(put).get("workerVersions");
            assertEquals(List.of("v1", "v2"), versions(ran), put.body());
        }
        try (RunningApp second = RunningApp.start(dataDir, ENV)) {
            assertEquals(ran, json(second.client.get("/api/settings")).get("workerVersions"),
                    "the start continues v2's run: the replay from the start of v2 is still offered");
        }
        Files.delete(dataDir.resolve(SettingsFile.FILE_NAME));
        try (RunningApp third = RunningApp.start(dataDir, ENV)) {
            JsonNode runs = json(third.client.get("/api/settings")).get("workerVersions");
            assertEquals(List.of("v1", "v2", "v1"), versions(runs), "a start with another version begins its run");
            assertEquals(ran.get(1), runs.get(1));
        }
    }

    @Test
    void aWorkerVersionsFileThatCannotBeReadStopsTheStartNamingTheFile() throws Exception {
        Path file = dataDir.resolve(SettingsFile.VERSION_RUNS_FILE_NAME);
        SettingsFile.SettingsFileException notJson = startRefused(file, "{\"version\": \"v2\"}");
        assertTrue(notJson.getMessage().contains(file.toString())
                && notJson.getMessage().contains("is not a JSON array of worker versions"), notJson.getMessage());
        SettingsFile.SettingsFileException badTime = startRefused(file,
                "[{\"version\": \"v2\", \"since\": \"yesterday\"}]");
        assertTrue(badTime.getMessage().contains("yesterday"), badTime.getMessage());
        SettingsFile.SettingsFileException badVersion = startRefused(file,
                "[{\"version\": \"v9\", \"since\": \"2026-12-07T08:00:00Z\"}]");
        assertTrue(badVersion.getMessage().contains("'v9'"), badVersion.getMessage());
        SettingsFile.SettingsFileException none = startRefused(file, "null");
        assertTrue(none.getMessage().contains("is not a JSON array of worker versions: it holds null"),
                "as a settings file holding null does: " + none.getMessage());
    }

    @Test
    void aSettingsFileThatCannotBeReadStopsTheStartSayingWhyInWords() throws Exception {
        Path file = Files.createDirectories(dataDir.resolve(SettingsFile.FILE_NAME));
        SettingsFile.SettingsFileException e = assertThrows(SettingsFile.SettingsFileException.class,
                () -> RunningApp.start(dataDir, ENV).close());
        assertTrue(e.getMessage().contains(file + " cannot be read: Is a directory"), e.getMessage());
        assertFalse(e.getMessage().contains("java."), "no Java type's name: " + e.getMessage());
    }

    @Test
    void aSettingsFileThatIsNotJsonStopsTheStartNamingTheFile() throws Exception {
        Path file = dataDir.resolve(SettingsFile.FILE_NAME);
        SettingsFile.SettingsFileException e = startRefused(file, "{\"delivery\": \"exactly-on");
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a JSON object"),
                e.getMessage());
    }

    @Test
    void aSettingsFileWithAValueTheWorkersCannotRunStopsTheStartNamingIt() throws Exception {
        Path file = dataDir.resolve(SettingsFile.FILE_NAME);
        SettingsFile.SettingsFileException shared = startRefused(file,
                "{\"delivery\": \"exactly-once\", \"consumption\": \"shared\"}");
        assertTrue(shared.getMessage().contains(file.toString()) && shared.getMessage().contains("shared"),
                shared.getMessage());

        SettingsFile.SettingsFileException twice = startRefused(file, "{\"delivery\": \"twice\"}");
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());

        SettingsFile.SettingsFileException unknown = startRefused(file, "{\"chaos\": \"process\"}");
        assertTrue(unknown.getMessage().contains("unknown setting 'chaos'"), unknown.getMessage());

        Files.delete(file);
        try (RunningApp defaults = RunningApp.start(dataDir, ENV)) {
            assertEquals("at-least-once", json(defaults.client.get("/api/settings")).get("delivery").asText(),
                    "deleting the file starts with the defaults");
        }
    }

    @Test
    void aPutWhoseSettingsCannotBeForcedAnswers503AndChangesNothing() throws Exception {
        AppConfig config = RunningApp.config(dataDir, ENV);
        FaultyFileIO files = new FaultyFileIO().fail(Op.FORCE, settingsFiles(), 1);
        try (App app = start(config, files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            HttpResponse<String> refused = client.admin("PUT", "/api/settings", "{\"delivery\": \"exactly-once\"}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("settings_not_saved", json(refused).get("error").asText());
            assertTrue(json(refused).get("detail").asText().contains(dataDir.resolve(SettingsFile.FILE_NAME)
                    .toString()), refused.body());
            assertEquals(1, files.injected());
            assertEquals("at-least-once", json(client.get("/api/settings")).get("delivery").asText());
            assertEquals(Delivery.AT_LEAST_ONCE, app.workerDelivery());
            assertFalse(Files.exists(dataDir.resolve(SettingsFile.FILE_NAME)), "no file was published");
            assertFalse(Files.exists(dataDir.resolve(SettingsFile.FILE_NAME + ".tmp")), "the temporary file is gone");

            HttpResponse<String> saved = client.admin("PUT", "/api/settings", "{\"delivery\": \"exactly-once\"}");
            assertEquals(200, saved.statusCode(), saved.body());
            assertEquals(Delivery.EXACTLY_ONCE, app.workerDelivery());
        }
    }

    @Test
    void aPutThatFindsTheDiskFullAnswers503AndKeepsTheSettingsSavedBefore() throws Exception {
        AppConfig config = RunningApp.config(dataDir, ENV);
        FaultyFileIO files = new FaultyFileIO();
        try (App app = start(config, files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            assertEquals(200, client.admin("PUT", "/api/settings", "{\"delivery\": \"exactly-once\"}").statusCode());
            String before = Files.readString(dataDir.resolve(SettingsFile.FILE_NAME));

            files.diskFullAfter(0, settingsFiles());
            HttpResponse<String> refused = client.admin("PUT", "/api/settings", "{\"workerVersion\": \"v2\"}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("settings_not_saved", json(refused).get("error").asText());
            JsonNode settings = json(client.get("/api/settings"));
            assertEquals("v1", settings.get("workerVersion").asText(), settings.toString());
            assertEquals("exactly-once", settings.get("delivery").asText(), settings.toString());
            assertEquals(before, Files.readString(dataDir.resolve(SettingsFile.FILE_NAME)));
        }
    }

    @Test
    void aPutWhoseFolderCannotBeForcedWritesTheSettingsInEffectBack() throws Exception {
        AppConfig config = RunningApp.config(dataDir, ENV);
        FaultyFileIO files = new FaultyFileIO();
        try (App app = start(config, files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            assertEquals(200, client.admin("PUT", "/api/settings", "{\"delivery\": \"exactly-once\"}").statusCode());
            String before = Files.readString(dataDir.resolve(SettingsFile.FILE_NAME));

            // the new file is renamed into place, then its folder cannot be forced
            files.fail(Op.FORCE_DIRECTORY, dir -> dir.toAbsolutePath().normalize()
                    .equals(dataDir.toAbsolutePath().normalize()), 1);
            HttpResponse<String> refused = client.admin("PUT", "/api/settings", "{\"delivery\": \"at-most-once\"}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals(1, files.injected());
            assertEquals(Delivery.EXACTLY_ONCE, app.workerDelivery());
            assertEquals(before, Files.readString(dataDir.resolve(SettingsFile.FILE_NAME)),
                    "the file holds the settings in effect again");
        }
    }

    /** Writes {@code content} to the settings file and starts the app on its data dir: the start must fail. */
    private SettingsFile.SettingsFileException startRefused(Path file, String content) throws IOException {
        Files.writeString(file, content);
        return assertThrows(SettingsFile.SettingsFileException.class, () -> RunningApp.start(dataDir, ENV).close());
    }

    private static App start(AppConfig config, FileIO settingsFiles) {
        return App.start(config, QueueBackends.open(config.backendSettings()), FileIO.local(), settingsFiles);
    }

    private static List<String> versions(JsonNode runs) {
        List<String> names = new java.util.ArrayList<>();
        runs.forEach(run -> names.add(run.get("version").asText()));
        return names;
    }

    private static Predicate<Path> settingsFiles() {
        return p -> p.getFileName() != null && p.getFileName().toString().startsWith(SettingsFile.FILE_NAME);
    }
}
