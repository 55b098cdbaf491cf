package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-house backend's health reports its data directory. */
class InhouseHealthTest {

    @TempDir
    Path dir;

    @Test
    void upWhileTheDataDirectoryIsWritableNamingItAndItsTopics() {
        try (QueueBackend backend = InhouseTestSupport.open(dir)) {
            backend.admin().createTopic(new NewTopic("jobs", 1));
            BackendHealth health = backend.health();
            assertTrue(health.up(), health.detail());
            assertTrue(health.detail().contains(dir.toAbsolutePath().toString()) || health.detail().contains(dir.toString()),
                    health.detail());
            assertTrue(health.detail().contains("MiB free"), health.detail());
            // what the app's log says of a backend whose stop failed
            assertEquals("the in-house queue in " + dir, backend.toString());
        }
    }

    @Test
    void downWhenTheDataDirectoryIsGone() throws Exception {
        try (QueueBackend backend = InhouseTestSupport.open(dir)) {
            Path moved = dir.resolveSibling(dir.getFileName() + "-moved");
            Files.move(dir, moved);
            try {
                BackendHealth health = backend.health();
                assertFalse(health.up(), health.detail());
                assertTrue(health.detail().contains("missing or not writable"), health.detail());
            } finally {
                Files.move(moved, dir);
            }
            assertTrue(backend.health().up(), "up again once the directory is back");
        }
    }

    @Test
    void downOnceClosed() {
        QueueBackend backend = InhouseTestSupport.open(dir);
        backend.close();
        BackendHealth health = backend.health();
        assertFalse(health.up());
        assertTrue(health.detail().contains("closed"), health.detail());
    }
}
