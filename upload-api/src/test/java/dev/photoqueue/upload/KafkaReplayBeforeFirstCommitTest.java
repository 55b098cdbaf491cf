package dev.photoqueue.upload;

import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link ReplayBeforeFirstCommitTest} on Kafka (a real broker in the test JVM): the workers' group
 * without members or committed offsets is known there too, and answers as on the in-house log. The
 * broker is shared with the other tests of the run, whose apps use the same group: it is deleted
 * first (their apps have stopped), so it starts without commits.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaReplayBeforeFirstCommitTest {

    @Test
    void theWorkersGroupThatHasCommittedNothingIsReplayedNotUnknown() throws Exception {
        deleteGroups(List.of("thumbnailers"));
        ReplayBeforeFirstCommitTest.assertReplaysBeforeFirstCommit(Map.of("QUEUE_BACKEND", "kafka",
                "KAFKA_BOOTSTRAP_SERVERS", EmbeddedKafka.bootstrapServers()));
    }

    private static void deleteGroups(List<String> groups) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedKafka.bootstrapServers()))) {
            for (String group : groups) {
                try {
                    admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
