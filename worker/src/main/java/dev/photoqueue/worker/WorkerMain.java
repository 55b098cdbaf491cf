package dev.photoqueue.worker;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.QueueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar worker/target/worker.jar}: a thumbnail worker process with
 * {@code WORKERS} consumers, configured like the upload API (see {@link WorkerEnvironment}). On
 * SIGTERM (or Ctrl-C) it lets the jobs in hand finish within the grace period, acks them, leaves
 * the group, and exits with the JVM's status for the signal (143 for SIGTERM, 130 for Ctrl-C: 128
 * plus the signal's number, which orchestrators read as a stop on request). Exit 2: a setting is
 * wrong; 1: the queue could not be reached.
 *
 * <p>While at least one worker runs, the process rewrites its health file every 5 s
 * ({@code HEALTH_FILE}, default {@code photoqueue-worker.health} in the temp folder); the
 * container's health check looks at its age. With {@code METRICS_PORT} set it serves its meters
 * at {@code /metrics} on that port ({@link WorkerProcess}).
 *
 * <p>Separate worker processes are a Kafka-mode feature: the in-house log lives inside the upload
 * API's process (one process owns a data directory), where the workers run embedded.
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    /** Names the properties file the settings are read from, under the environment's. */
    private static final String CONFIG_FILE = "CONFIG_FILE";

    /**
     * The name of every environment variable a worker process reads: {@code CONFIG_FILE} and those
     * of its settings ({@link WorkerEnvironment}), taken from the code that reads them.
     */
    public static Set<String> variableNames() {
        Set<String> names = new TreeSet<>(WorkerEnvironment.variableNames());
        names.add(CONFIG_FILE);
        return Collections.unmodifiableSet(names);
    }

    public static void main(String[] args) throws InterruptedException {
        OptionalInt refused = new ProgramArguments("worker", "worker.jar", variableNames(),
                "worker/README.md, \"Settings\"").check(List.of(args), System.out, System.err);
        if (refused.isPresent()) {
            System.exit(refused.getAsInt());
            return;
        }
        WorkerEnvironment env;
        try {
            env = WorkerEnvironment.from(System.getenv(), properties(System.getenv().get(CONFIG_FILE)));
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        QueueBackend backend;
        WorkerProcess process;
        try {
            backend = QueueBackends.open(env.backendSettings());
        } catch (QueueException e) {
            System.err.println("worker: cannot open the " + env.backend() + " queue: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            process = WorkerProcess.start(env, backend);
        } catch (RuntimeException e) {
            backend.close();
            System.err.println("worker: cannot start the workers: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: letting the jobs in hand finish (grace {})", env.worker().shutdownGrace());
            boolean clean = process.stop();
            backend.close();
            LOG.info(clean ? "stopped; every worker left its group" : "stopped; some jobs go to other workers");
            stopped.countDown();
        }, "worker-shutdown"));
        System.out.println("worker process started: " + env.describe() + ", workers " + process.pool().workerIds()
                + process.metricsPort().stream().mapToObj(p -> ", metrics on port " + p).findFirst().orElse(""));
        stopped.await();
    }

    private static Properties properties(String file) {
        Properties p = new Properties();
        if (file == null || file.isBlank()) {
            return p;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("CONFIG_FILE " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
