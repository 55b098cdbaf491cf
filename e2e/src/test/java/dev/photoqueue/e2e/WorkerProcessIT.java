package dev.photoqueue.e2e;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code worker.jar} processes on a real Kafka broker ({@code kafka-broker.jar}), each test with a
 * broker of its own. Killed with {@code kill -9} at random moments while they work and replaced,
 * every job still ends with its variants on disk and a {@code PhotoProcessed} event. Stopped with
 * SIGTERM while it works, a process finishes the jobs in hand and acks them, leaves the group
 * before it exits (the group lists no member at once, though a member's session lasts 30 s), and
 * exits with the JVM's status for SIGTERM; with a second process every job is processed once.
 */
@Timeout(900)
class WorkerProcessIT {

    private static final int PHOTOS = 24;
    private static final int KILLS = 3;
    /** Photos of the SIGTERM test: enough that jobs remain when the signal comes. */
    private static final int STOPPED_PHOTOS = 40;
    /** The JVM's exit status after SIGTERM, once its shutdown hooks ran: 128 + 15. */
    private static final int SIGTERM_STATUS = 143;
    private static Path root;

    @TempDir
    Path dir;

    @RegisterExtension
    final StartedProcesses processes = new StartedProcesses();
    private String bootstrap;

    @BeforeAll
    static void findBuild() {
        root = BuiltProject.rootWith("kafka-broker/target/kafka-broker.jar", "worker/target/worker.jar");
    }

    private Process startWorker(String name, int workers) throws IOException {
        return processes.startWorker(root, dir, bootstrap, name, workers);
    }

    @Test
    void everyJobCompletesThoughWorkerProcessesAreKilledMidRun() throws Exception {
        bootstrap = processes.startKafkaBroker(root, dir);
        Map<String, String> kafka = Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap);
        try (QueueBackend backend = QueueBackends.open(kafka)) {
            Set<String> ids = QueuedJobs.send(backend, root, dir.resolve("data").resolve("blobs"), 4, PHOTOS);
            MessageCodec codec = new MessageCodec();

            List<Process> workers = new ArrayList<>(List.of(startWorker("worker-0", 1), startWorker("worker-1", 1)));
            Map<String, Integer> processed = new TreeMap<>();
            try (GroupConsumer events = backend.groupConsumer(GroupConsumerConfig.builder("crash-test").build())) {
                events.subscribe(List.of(Topics.PHOTO_EVENTS));
                int kills = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
                while (!processed.keySet().containsAll(ids)) {
                    assertTrue(System.nanoTime() < deadline, "processed " + processed.keySet() + " of " + ids
                            + " after " + kills + " kills; see " + dir);
                    for (ConsumerRecord r : events.poll(Duration.ofMillis(200))) {
                        PhotoEvent e = codec.decodeEvent(r.value());
                        assertFalse(e instanceof PhotoFailed, "a photo failed: " + r.valueAsString());
                        if (e instanceof PhotoProcessed done) { // deliveries and releases are told too
                            processed.merge(done.photoId(), 1, Integer::sum);
                        }
                        events.ack(r);
                        // Kill a worker now and then while jobs are in flight, and start another.
                        if (kills < KILLS && processed.size() >= (kills + 1) * PHOTOS / (KILLS + 2)) {
                            Process victim = workers.remove(ThreadLocalRandom.current().nextInt(workers.size()));
                            victim.destroyForcibly();
                            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                            kills++;
                            workers.add(startWorker("worker-" + (1 + kills), 1));
                        }
                    }
                }
                assertEquals(KILLS, kills, "killed workers mid-run");
            }
            for (String id : ids) {
                for (String variant : List.of("thumb", "small", "medium")) {
                    Path file = dir.resolve("data/blobs/photos").resolve(id).resolve(variant + ".jpg");
                    assertTrue(Files.size(file) > 0, file + " is missing or empty");
                }
            }
        }
    }

    @Test
    void sigtermFinishesTheJobsInHandLeavesTheGroupAndNoJobIsProcessedTwice() throws Exception {
        bootstrap = processes.startKafkaBroker(root, dir);
        Map<String, String> kafka = Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap);
        try (QueueBackend backend = QueueBackends.open(kafka);
             GroupConsumer events = backend.groupConsumer(GroupConsumerConfig.builder("shutdown-test").build())) {
            Set<String> ids = QueuedJobs.send(backend, root, dir.resolve("data").resolve("blobs"), 4, STOPPED_PHOTOS);
            events.subscribe(List.of(Topics.PHOTO_EVENTS));
            Events seen = new Events(events);

            Process first = startWorker("first", 2);
            seen.readUntil(() -> !seen.delivered.isEmpty(), "a job delivered to the first process");
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(2, TimeUnit.MINUTES), "the first process ended after SIGTERM; see " + dir);
            assertEquals(SIGTERM_STATUS, first.exitValue(), "exit status after SIGTERM; see " + dir);
            assertEquals(List.of(), backend.admin().describeGroup(Topics.THUMBNAILERS).members(),
                    "the first process left the group before it exited");
            String log = Files.readString(dir.resolve("first.log"));
            assertTrue(log.contains("stopped; every worker left its group"), "the first process's log:\n" + log);

            // What it was handed, it finished: each job it was delivered has its outcome, by it.
            seen.readUntil(() -> seen.processed.keySet().containsAll(seen.delivered.keySet()),
                    "an outcome for every job the first process was delivered");
            for (String photo : seen.delivered.keySet()) {
                assertTrue(seen.processed.get(photo).get(0).startsWith("first"),
                        photo + " was delivered to the first process but processed by " + seen.processed.get(photo));
            }
            assertTrue(seen.processed.size() < STOPPED_PHOTOS,
                    "SIGTERM came while jobs remained: the first process did all " + STOPPED_PHOTOS);

            startWorker("second", 2);
            seen.readUntil(() -> seen.processed.keySet().containsAll(ids), "every job processed");
            Map<String, List<String>> twice = new TreeMap<>(seen.processed);
            twice.values().removeIf(workers -> workers.size() == 1);
            assertEquals(Map.of(), twice, "jobs processed more than once (by these workers)");
            Map<String, Integer> redelivered = new TreeMap<>(seen.delivered);
            redelivered.values().removeIf(count -> count == 1);
            assertEquals(Map.of(), redelivered, "jobs delivered more than once (this many times)");
        }
    }

    /** The events of photo.events read so far: deliveries per photo, and the workers that processed each. */
    private final class Events {

        private final GroupConsumer consumer;
        private final MessageCodec codec = new MessageCodec();
        final Map<String, Integer> delivered = new TreeMap<>();
        final Map<String, List<String>> processed = new TreeMap<>();

        Events(GroupConsumer consumer) {
            this.consumer = consumer;
        }

        void readUntil(java.util.function.BooleanSupplier condition, String what) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!condition.getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, "no " + what + " within 4 minutes: delivered "
                        + delivered + ", processed " + processed + "; see " + dir);
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    PhotoEvent e = codec.decodeEvent(r.value());
                    if (e instanceof PhotoDelivered d) {
                        delivered.merge(d.photoId(), 1, Integer::sum);
                    } else if (e instanceof PhotoProcessed p) {
                        processed.computeIfAbsent(p.photoId(), id -> new ArrayList<>()).add(p.workerId());
                    }
                    consumer.ack(r);
                }
            }
        }
    }
}
