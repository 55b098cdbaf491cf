package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ClusterDescription;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the photo topics' records live, kept current in the background: on Kafka the brokers, the
 * controller quorum and the replicas of {@code photo.uploaded}, {@code photo.events} and the
 * dead-letter topic, described again every {@code interval} on a daemon thread of its own (a
 * description takes up to a few seconds while brokers are down, and nobody waits for it). On the
 * in-house log one description, made at start: a single node that never changes.
 * {@link #current} never waits. One WARN line when the problems change, one INFO line when they
 * clear. Thread-safe.
 */
public final class ClusterMonitor implements AutoCloseable {

    static final List<String> TOPICS = List.of(Topics.PHOTO_UPLOADED, Topics.PHOTO_EVENTS,
            DeadLetters.topicFor(Topics.PHOTO_UPLOADED));
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMonitor.class);

    private final Admin admin;
    private final Duration interval;
    private final Thread thread;
    private volatile ClusterDescription current;
    private volatile boolean running = true;

    private ClusterMonitor(Admin admin, Duration interval) {
        this.admin = admin;
        this.interval = interval;
        this.current = admin.describeCluster(TOPICS);
        this.thread = new Thread(this::run, "cluster-monitor");
        this.thread.setDaemon(true);
    }

    /**
     * Describes the cluster once now, then every {@code interval} while it is replicated; the
     * in-house log's description is final.
     */
    public static ClusterMonitor start(Admin admin, Duration interval) {
        ClusterMonitor monitor = new ClusterMonitor(admin, interval);
        if (monitor.current.replicated()) {
            monitor.thread.start();
        }
        return monitor;
    }

    /** The latest description; its {@code at} says how old it is. */
    public ClusterDescription current() {
        return current;
    }

    /**
     * Why a job keyed {@code key} cannot be acknowledged now, as the latest description has it:
     * the partition it goes to has no leader or too few in-sync replicas, or the quorum is lost.
     * Empty when it can, or when nothing is known against it.
     */
    public Optional<String> whyNotWritable(String key) {
        ClusterDescription now = current;
        long partitions = now.partitions().stream().filter(p -> p.topic().equals(Topics.PHOTO_UPLOADED)).count();
        if (partitions == 0) {
            return now.quorum() != null && !now.quorum().hasLeader()
                    ? now.whyNotWritable(Topics.PHOTO_UPLOADED, 0) : Optional.empty();
        }
        int partition = Partitioners.forKey(key.getBytes(StandardCharsets.UTF_8), (int) partitions);
        return now.whyNotWritable(Topics.PHOTO_UPLOADED, partition);
    }

    /** What stops writes in the latest description, joined for an error message; empty when nothing. */
    public String problemsSummary() {
        List<String> problems = current.writeProblems();
        return problems.isEmpty() ? "" : String.join("; ", problems);
    }

    private void run() {
        List<String> reported = current.problems();
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                ClusterDescription next = admin.describeCluster(TOPICS);
                current = next;
                List<String> problems = next.problems();
                if (!problems.equals(reported)) {
                    if (problems.isEmpty()) {
                        LOG.info("Kafka cluster healthy again: {}", next.summary());
                    } else {
                        LOG.warn("Kafka cluster: {}; {}", next.summary(), String.join("; ", problems));
                    }
                    reported = problems;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a description never throws for a cluster partly down; anything else is kept and tried again
                LOG.warn("describing the Kafka cluster failed at {}: {}", Instant.now(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
