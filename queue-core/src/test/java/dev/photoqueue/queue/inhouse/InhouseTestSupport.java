package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Opens the in-house backend the way an application does, through {@link QueueBackends}. */
final class InhouseTestSupport {

    private InhouseTestSupport() {
    }

    static QueueBackend open(Path dataDir, String... extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("backend", "inhouse");
        settings.put("data.dir", dataDir.toString());
        for (int i = 0; i < extraSettings.length; i += 2) {
            settings.put(extraSettings[i], extraSettings[i + 1]);
        }
        return QueueBackends.open(settings);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static RecordMetadata await(CompletableFuture<RecordMetadata> send) {
        try {
            return send.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /** The exception a send failed with; fails the test if the send succeeded. */
    static Throwable failureOf(CompletableFuture<RecordMetadata> send) {
        try {
            RecordMetadata md = send.get(60, TimeUnit.SECONDS);
            throw new AssertionError("send succeeded at " + md + " but should have failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("send did not complete: " + e, e);
        }
    }
}
