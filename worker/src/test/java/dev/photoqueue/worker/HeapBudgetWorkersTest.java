package dev.photoqueue.worker;

import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many workers and many large photos in a small heap: every decode reserves its heap from the
 * process's decode budget, so the workers take turns instead of running the JVM out of heap
 * together. In a child JVM of {@value #HEAP} heap ({@link ManyLargeDecodes}), 8 workers take 8
 * photos of 3000x3000 (a 36 MB upright copy, about 70 MB reserved each, against a budget of half
 * the heap): every photo is processed at its first delivery, no worker dies of an
 * OutOfMemoryError, and decodes did wait for the budget. Without the budget the workers' decodes
 * together need about 400 MB: workers die of OutOfMemoryError and their jobs are delivered again.
 */
class HeapBudgetWorkersTest {

    private static final String HEAP = "-Xmx192m";
    private static final int WORKERS = 8;
    private static final int PHOTOS = 8;
    private static final int SIDE = 3000;
    private static final Duration WAIT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    @Test
    void manyWorkersDecodingLargePhotosInASmallHeapTakeTurnsAndProcessEveryPhotoAtItsFirstDelivery()
            throws Exception {
        Path output = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-cp", System.getProperty("java.class.path"), ManyLargeDecodes.class.getName(), dir.toString(),
                String.valueOf(WORKERS), String.valueOf(PHOTOS), String.valueOf(SIDE))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertTrue(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the child did not end within " + WAIT);
        } finally {
            child.destroyForcibly().waitFor();
        }
        String log = Files.readString(output);
        assertEquals(0, child.exitValue(), "exit status; the child's output:\n" + tail(log));
        assertFalse(log.contains("OutOfMemoryError"), "a worker ran out of heap:\n" + tail(log));
        String summary = log.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow(
                () -> new AssertionError("no summary:\n" + tail(log)));
        assertTrue(summary.contains(" restarts=0 "), "no worker died: " + summary);
        assertFalse(summary.contains(" waits=0"), "decodes waited for the budget (else the test proves nothing): "
                + summary);

        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
        try (EventLog events = new EventLog(backend)) {
            List<PhotoEvent> all = events.readToEnd(Duration.ofSeconds(60));
            List<String> ids = IntStream.range(0, PHOTOS).mapToObj(i -> "large-" + i).toList();
            assertEquals(new TreeSet<>(ids), new TreeSet<>(EventLog.processed(all).stream()
                    .map(p -> p.photoId()).toList()), "every photo processed: " + all);
            assertEquals(List.of(), EventLog.failed(all));
            List<PhotoDelivered> deliveries = new ArrayList<>(events.deliveries());
            assertEquals(PHOTOS, deliveries.size(), "one delivery a photo: " + deliveries);
            assertTrue(deliveries.stream().allMatch(d -> d.deliveryCount() == 1), "first deliveries: " + deliveries);
            String dead = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
            assertTrue(!backend.admin().listTopics().contains(dead) || backend.admin().deadLetters(dead).isEmpty(),
                    "nothing dead-lettered");
        } finally {
            backend.close();
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
