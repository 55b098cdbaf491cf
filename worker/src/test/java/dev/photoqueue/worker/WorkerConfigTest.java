package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.VariantSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

class WorkerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerConfig config = WorkerConfig.defaults();
        assertEquals(Path.of("data/blobs"), config.blobDir());
        assertEquals(VariantSpec.DEFAULTS, config.variants());
        assertEquals(ImagePipeline.DEFAULT_MAX_PIXELS, config.maxPixels());
        assertEquals(2, config.workerCount());
        assertEquals(5, config.maxDeliveries());
        assertEquals(1, config.maxPollRecords());
        assertEquals(Duration.ofSeconds(10), config.shutdownGrace());
        assertEquals(ConsumptionMode.ORDERED, config.mode());
        assertTrue(config.fsync());
        assertTrue(config.workerId().startsWith("worker-"), config.workerId());
    }

    @Test
    void theEnvironmentOverridesThePropertiesFile() {
        Properties file = new Properties();
        file.setProperty("worker.count", "3");
        file.setProperty("variants", "tiny:crop:32x32");
        file.setProperty("max.pixels", "1000");
        Map<String, String> env = Map.of("PQ_WORKER_COUNT", "7", "PQ_CONSUMPTION_MODE", "shared",
                "PATH", "/usr/bin");
        WorkerConfig config = WorkerConfig.fromEnvironment(env, file);
        assertEquals(7, config.workerCount());
        assertEquals(ConsumptionMode.SHARED, config.mode());
        assertEquals(List.of(VariantSpec.crop("tiny", 32, 32)), config.variants());
        assertEquals(1000, config.maxPixels());
    }

    @Test
    void refusesUnknownKeysAndBadValuesNamingThem() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromSettings(Map.of("worker.cuont", "2")));
        assertTrue(typo.getMessage().contains("worker.cuont"), typo.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromSettings(Map.of("max.pixels", "lots")));
        assertTrue(number.getMessage().contains("max.pixels"), number.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.fromSettings(Map.of("max.deliveries", "0")));
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromSettings(Map.of("consumption.mode", "fifo")));
        assertTrue(mode.getMessage().contains("'fifo'"), mode.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromSettings(Map.of("variants", "a:width:10,a:width:20")));
    }
}
