package dev.photoqueue.upload;

import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.upload.config.InvalidSettingException;
import dev.photoqueue.upload.config.QueueBackendKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppConfigTest {

    @Test
    void everySettingHasItsDocumentedDefault() {
        AppConfig c = AppConfig.defaults();
        assertEquals(8080, c.port());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals(QueueBackendKind.INHOUSE, c.backend());
        assertEquals(2, c.workers());
        assertEquals(6, c.partitions());
        assertEquals(5, c.maxDeliveries());
        assertEquals(25L * 1024 * 1024, c.maxUploadBytes());
        assertEquals(50_000_000L, c.maxPixels());
        assertNull(c.adminToken());
        assertEquals(Map.of("backend", "inhouse", "data.dir", Path.of("./data", "queue").toString()),
                c.backendSettings());
    }

    @Test
    void theEnvironmentWinsOverThePropertiesFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "PORT=9000\nWORKERS=4\nADMIN_TOKEN=from-file\n");
        AppConfig c = AppConfig.fromEnvironment(Map.of(AppConfig.CONFIG_FILE, file.toString(), "WORKERS", "0"), dir);
        assertEquals(9000, c.port());
        assertEquals(0, c.workers());
        assertEquals("from-file", c.adminToken());
    }

    @Test
    void photoqueuePropertiesInTheWorkingDirectoryIsReadWhenPresent(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("photoqueue.properties"), "PARTITIONS=12\n");
        assertEquals(12, AppConfig.fromEnvironment(Map.of(), dir).partitions());
    }

    @Test
    void kafkaIsChosenByQueueBackendWithItsBootstrapServers() {
        AppConfig c = AppConfig.fromSources(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"),
                new Properties());
        assertEquals(Map.of("backend", "kafka", "kafka.bootstrap.servers", "k1:9092,k2:9092",
                "kafka.send.timeout.ms", "12000"), c.backendSettings());
    }

    @Test
    void theKafkaProducerDecidesWithinFourFifthsOfTheUploadsSendTimeout() {
        AppConfig c = AppConfig.fromSources(Map.of("QUEUE_BACKEND", "kafka", "SEND_TIMEOUT_MS", "5000"),
                new Properties());
        assertEquals(5000, c.sendTimeoutMs());
        assertEquals("4000", c.backendSettings().get("kafka.send.timeout.ms"));
    }

    @Test
    void badValuesNameTheVariableAndTheValue() {
        assertBad("PORT", "eighty", "whole number");
        assertBad("PORT", "70000", "between 0 and 65535");
        assertBad("WORKERS", "-1", "between 0 and 64");
        assertBad("PARTITIONS", "0", "between 1");
        assertBad("QUEUE_BACKEND", "rabbitmq", "inhouse or kafka");
        assertBad("MAX_UPLOAD_BYTES", "25MB", "whole number");
        assertBad("SEND_TIMEOUT_MS", "500", "between 2000 and 300000");
        InvalidSettingException missing = assertThrows(InvalidSettingException.class,
                () -> AppConfig.fromEnvironment(Map.of(AppConfig.CONFIG_FILE, "/no/such/file.properties"), Path.of("")));
        assertEquals(AppConfig.CONFIG_FILE, missing.variable());
    }

    @Test
    void aDataDirThatIsAFileIsABadValue(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "not a folder");
        assertBad("DATA_DIR", file.toString(), "is a file, not a directory");
        Path missing = dir.resolve("not-yet");
        assertEquals(missing, AppConfig.fromSources(Map.of("DATA_DIR", missing.toString()), new Properties()).dataDir(),
                "a folder that does not exist yet is fine: the start creates it");
    }

    @Test
    void namesEveryVariableItReadsTheOnesTheClassCommentLists() {
        assertEquals(java.util.Set.of("CONFIG_FILE", "PORT", "HOST", "DATA_DIR", "QUEUE_BACKEND",
                "KAFKA_BOOTSTRAP_SERVERS", "WORKERS", "PARTITIONS", "MAX_DELIVERIES", "SESSION_TIMEOUT_MS",
                "MAX_UPLOAD_BYTES", "MAX_PIXELS", "MAX_BACKLOG", "SEND_TIMEOUT_MS", "ADMIN_TOKEN", "WORKER_VERSION",
                "PHOTO_CACHE_SIZE"),
                AppConfig.variableNames());
        // each named setting is really read: a value of the wrong kind is refused by that name
        for (String variable : java.util.List.of("PORT", "WORKERS", "PARTITIONS", "MAX_DELIVERIES",
                "SESSION_TIMEOUT_MS", "MAX_UPLOAD_BYTES", "MAX_PIXELS", "MAX_BACKLOG", "SEND_TIMEOUT_MS",
                "QUEUE_BACKEND", "WORKER_VERSION", "PHOTO_CACHE_SIZE")) {
            assertEquals(variable, assertThrows(InvalidSettingException.class,
                    () -> AppConfig.fromSources(Map.of(variable, "not-a-value"), new Properties())).variable());
        }
    }

    private static void assertBad(String variable, String value, String rule) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> AppConfig.fromSources(Map.of(variable, value), new Properties()));
        assertEquals(variable, e.variable());
        assertTrue(e.getMessage().contains(variable + "='" + value + "'") && e.getMessage().contains(rule),
                e.getMessage());
    }
}
