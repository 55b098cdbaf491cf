package dev.photoqueue.upload.http;

import dev.photoqueue.queue.api.ClusterDescription;
import dev.photoqueue.upload.service.ClusterMonitor;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replicated", d.replicated());
        body.put("summary", d.summary());
        body.put("at", d.at());
        body.put("brokers", d.brokers());
        body.put("quorum", d.quorum());
        List<Map<String, Object>> partitions = d.partitions().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", p.topic());
            m.put("partition", p.partition());
            m.put("leader", p.leader());
            m.put("replicas", p.replicas());
            m.put("inSync", p.inSync());
            m.put("minInSync", p.minInSync());
            m.put("underReplicated", p.underReplicated());
            m.put("writable", p.writable());
            return m;
        }).toList();
        body.put("partitions", partitions);
        body.put("problems", d.problems());
        ctx.json(body);
    }
}
