package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replay: moves a consumer group back (or forward) to the first record at or after a time, on
 * every topic it consumes, so the records from then on are delivered to it again. The status view
 * ({@value StatusView#REPLAY_NAME}) is rebuilt the same way. Thread-safe.
 */
public final class ReplayService {

    private final Admin admin;
    private final QueueService queue;
    private final StatusView view;

    public ReplayService(Admin admin, QueueService queue, StatusView view) {
        this.admin = admin;
        this.queue = queue;
        this.view = view;
    }

    /**
     * Replays {@code group} from {@code from}; returns the new position of each partition (empty for
     * the status view, which moves on its own thread). {@link IllegalArgumentException} for an
     * unknown group.
     */
    public Map<String, Long> replay(String group, Instant from) {
        if (StatusView.REPLAY_NAME.equals(group)) {
            view.replay(from);
            return Map.of();
        }
        List<String> topics = queue.topicsOf(group);
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("unknown consumer group '" + group + "'; known: "
                    + admin.listGroups() + " and " + StatusView.REPLAY_NAME);
        }
        Map<String, Long> positions = new LinkedHashMap<>();
        for (String topic : topics) {
            Map<TopicPartition, Long> moved = admin.resetOffsets(group, topic, OffsetSpec.timestamp(from.toEpochMilli()));
            moved.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> positions.put(e.getKey().toString(), e.getValue()));
        }
        return positions;
    }
}
