package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Acks of an ORDERED member are committed in batches, not one commit per ack, and none is lost. */
@ExtendWith(EmbeddedKafka.class)
class AckCommitBatchingTest {

    private static final int RECORDS = 400;

    @Test
    void aBurstOfAcksIsCommittedInAFewCommitsAndTheLagReachesZeroWithoutFurtherCalls() throws Exception {
        String run = EmbeddedKafka.uniqueSuffix();
        String topic = "batched-" + run;
        String group = "batchers-" + run;
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            backend.admin().createTopic(new NewTopic(topic, 1));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(ProducerRecord.of(topic, "k", "job-" + i));
                }
                producer.flush();
            }
            GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder(group)
                    .maxPollRecords(RECORDS).build());
            member.subscribe(List.of(topic));
            List<ConsumerRecord> received = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < RECORDS) {
                if (System.nanoTime() - deadline > 0) {
                    fail("received " + received.size() + " of " + RECORDS);
                }
                received.addAll(member.poll(Duration.ofMillis(200)));
            }
            long before = ((KafkaGroupConsumer) member).commitsSent();
            long acking = System.nanoTime();
            for (ConsumerRecord r : received) {
                member.ack(r);
            }
            // no further call of the member: the backend's timer commits the last batch
            while (backend.admin().describeGroup(group).totalLag() != 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("lag still " + backend.admin().describeGroup(group).totalLag() + " after every ack");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            // at most one commit per interval, however long a loaded machine made the acks take
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acking);
            // the client counts a commit when it handles the broker's answer, which may come after
            // the broker shows the commit's lag
            while (((KafkaGroupConsumer) member).commitsSent() == before) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the lag is 0, but the member counted no commit");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            long commits = ((KafkaGroupConsumer) member).commitsSent() - before;
            long bound = Math.min(RECORDS / 4, tookMs / BatchedAckCommitter.ACK_COMMIT_INTERVAL_MS + 2);
            assertTrue(commits >= 1 && commits <= bound, RECORDS + " acks in " + tookMs + " ms took " + commits
                    + " commits, more than one per " + BatchedAckCommitter.ACK_COMMIT_INTERVAL_MS + " ms");
            member.close();
            assertEquals(0, backend.admin().describeGroup(group).totalLag());
        }
    }
}
