package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.Topics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The in-house log a status view reads in the view's tests, and waiting for what the view shows. */
final class ViewLogs {

    /** What a view takes for a job's progress when no worker holds it. */
    static final JobProgress IDLE = (partition, offset) -> false;

    private ViewLogs() {
    }

    /**
     * Opens the in-house backend in {@code dataDir} with the view's three topics, the jobs' and the
     * events' with {@code partitions} each; topics already there are kept, so a test can reopen it.
     */
    static QueueBackend open(Path dataDir, int partitions) {
        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dataDir.toString()));
        for (NewTopic topic : List.of(new NewTopic(Topics.PHOTO_UPLOADED, partitions),
                new NewTopic(Topics.PHOTO_EVENTS, partitions), new NewTopic(DeadLetters.topicFor(Topics.PHOTO_UPLOADED), 1))) {
            if (!backend.admin().listTopics().contains(topic.name())) {
                backend.admin().createTopic(topic);
            }
        }
        return backend;
    }

    /** Waits until {@code condition} holds, at most 60 s; fails naming {@code what}. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within 60 s: " + what);
            }
            Thread.sleep(5); // between looks at the condition, which is what is waited for
        }
    }
}
