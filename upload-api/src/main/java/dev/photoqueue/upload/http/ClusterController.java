package dev.photoqueue.upload.http;

import dev.photoqueue.queue.api.ClusterDescription;
import dev.photoqueue.upload.service.ClusterMonitor;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/cluster}, HTTP only: where the records live, from the {@link ClusterMonitor}'s
 * latest description (never waits for the cluster). On Kafka {@code replicated: true}, the
 * brokers up or down, the controller quorum, and each partition's leader, replicas and in-sync
 * replicas with {@code underReplicated} and {@code writable}; {@code problems} lists what is
 * wrong. On the in-house log {@code replicated: false} and the summary says "single node, no
 * replication".
 */
public final class ClusterController {

    private final ClusterMonitor monitor;

    public ClusterController(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    void cluster(Context ctx) {
        ClusterDescription d = monitor.current();
        List<Partition> partitions = d.partitions().stream().map(p -> new Partition(p.topic(), p.partition(),
                p.leader(), p.replicas(), p.inSync(), p.minInSync(), p.underReplicated(), p.writable())).toList();
        ctx.json(new Cluster(d.replicated(), d.summary(), d.at(), d.brokers(), d.quorum(), partitions, d.problems()));
    }

    /** The body of {@code GET /api/cluster}. */
    record Cluster(boolean replicated, String summary, Instant at, List<ClusterDescription.Broker> brokers,
                   ClusterDescription.Quorum quorum, List<Partition> partitions, List<String> problems) {
    }

    /** One partition's copies, with what they mean for writes. */
    record Partition(String topic, int partition, int leader, List<Integer> replicas, List<Integer> inSync,
                     int minInSync, boolean underReplicated, boolean writable) {
    }
}
