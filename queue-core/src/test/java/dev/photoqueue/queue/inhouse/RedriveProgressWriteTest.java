package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.log.TopicLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The redrive group ({@value dev.photoqueue.queue.spi.DeadLetterRedriver#GROUP}) writes its
 * progress only when it moved: the upload API lists the dead letters every 5 s for its gauge, and
 * a listing that redrove nothing must leave the committed positions ({@value LogGroupStateStore#TOPIC})
 * as they were, or an idle app writes to its disk forever.
 */
class RedriveProgressWriteTest {

    @TempDir
    Path dir;

    @Test
    void listingDeadLettersWritesNoProgressAndARedriveDoes() throws Exception {
        try (QueueBackend backend = InhouseTestSupport.open(dir)) {
            backend.admin().createTopic(new NewTopic("jobs", 2));
            deadLetter(backend, 3);
            String dlq = DeadLetters.topicFor("jobs");
            assertEquals(3, backend.admin().deadLetters(dlq).size());
            long before = positionWrites(backend);
            for (int i = 0; i < 3; i++) {
                assertEquals(3, backend.admin().deadLetters(dlq).size(), "listing " + i);
            }
            assertEquals(before, positionWrites(backend), "listings that redrove nothing wrote positions");

            assertEquals(3, backend.admin().redriveAll(dlq, r -> true, 1000));
            long afterRedrive = positionWrites(backend);
            assertTrue(afterRedrive > before, "the redrive's progress was written: " + before + " -> " + afterRedrive);
            assertEquals(List.of(), backend.admin().deadLetters(dlq));
            assertEquals(afterRedrive, positionWrites(backend), "a listing of an emptied dead-letter topic");
        }
        try (QueueBackend reopened = InhouseTestSupport.open(dir)) {
            assertEquals(List.of(), reopened.admin().deadLetters(DeadLetters.topicFor("jobs")),
                    "the redrive's progress survived a restart");
        }
    }

    /** Records written to the positions' topic so far; 0 before its first. */
    private static long positionWrites(QueueBackend backend) {
        return ((InhouseBackend) backend).log().findTopic(LogGroupStateStore.TOPIC)
                .map(TopicLog::partitions).map(ps -> ps.get(0).endOffset()).orElse(0L);
    }

    /** Rejects {@code count} jobs, so that they are dead letters of {@code jobs.dlq}. */
    private static void deadLetter(QueueBackend backend, int count) throws Exception {
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(ProducerRecord.of("jobs", "k" + i, "bad " + i)).get();
            }
        }
        try (GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder("workers").build())) {
            worker.subscribe(List.of("jobs"));
            List<ConsumerRecord> rejected = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (rejected.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord r : worker.poll(Duration.ofMillis(50))) {
                    worker.acknowledge(r, AckType.REJECT, "not an image");
                    rejected.add(r);
                }
            }
            assertEquals(count, rejected.size(), "rejected: " + rejected);
        }
    }
}
