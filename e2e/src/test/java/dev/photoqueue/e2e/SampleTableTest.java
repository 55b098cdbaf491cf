package dev.photoqueue.e2e;

import dev.photoqueue.e2e.SampleTable.Sample;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample table reads as the end-to-end tests need it, and names only files that exist. */
class SampleTableTest {

    private static final Path SAMPLES = Path.of("..", "sample-images");

    @Test
    void everyRowNamesAnExistingFileAndAnOutcome() throws Exception {
        List<Sample> samples = SampleTable.read(SAMPLES);
        assertTrue(samples.size() >= 14, samples.toString());
        for (Sample s : samples) {
            assertTrue(Files.isRegularFile(s.file()), s.file() + " is listed but missing");
        }
        Map<String, Sample> byName = samples.stream()
                .collect(Collectors.toMap(s -> s.file().getFileName().toString(), s -> s));
        assertEquals("DONE", byName.get("Aqua.jpg").status());
        assertEquals("DEAD_LETTERED", byName.get("truncated.jpg").status());
        assertEquals("truncated", byName.get("truncated.jpg").reason());
        assertEquals(415, byName.get("not-an-image.jpg").uploadStatus());
        assertEquals(422, byName.get("bomb.png").uploadStatus());
    }
}
