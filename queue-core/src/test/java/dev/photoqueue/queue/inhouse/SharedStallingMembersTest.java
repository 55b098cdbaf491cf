package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SHARED mode with several members on their own threads, some of which stall past the visibility
 * timeout now and then: the records they held are taken by the others, their late acks are
 * rejected with {@link FencedMemberException}, and in the end every record was accepted exactly
 * once and the group's position is past all of them.
 */
@Timeout(180)
class SharedStallingMembersTest {

    private static final String TOPIC = "jobs";
    private static final int PARTITIONS = 2;
    private static final int RECORDS_EACH = 100;
    private static final long VISIBILITY_MS = 150;

    @TempDir
    Path dir;

    @Test
    void stallingMembersLoseTheirRecordsToOthersAndTheirLateAcksAreRejected() throws Exception {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic(TOPIC, PARTITIONS));
            try (Producer producer = backend.producer()) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int i = 0; i < RECORDS_EACH; i++) {
                        producer.send(ProducerRecord.of(TOPIC, "k" + i, "v" + i).withPartition(p));
                    }
                }
            }
            int total = PARTITIONS * RECORDS_EACH;
            Map<String, Integer> accepted = new ConcurrentHashMap<>();
            AtomicInteger fenced = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            // the stalling members hold a batch before the others start: each then stalls on one at least
            CountDownLatch stallersHoldRecords = new CountDownLatch(2);
            for (int m = 0; m < 4; m++) {
                boolean stalls = m < 2;
                GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder("g").clientId("m" + m)
                        .mode(ConsumptionMode.SHARED).visibilityTimeoutMs(VISIBILITY_MS).maxPollRecords(5).build());
                member.subscribe(List.of(TOPIC));
                Thread t = new Thread(() -> {
                    try (member) {
                        int polls = 0;
                        while (accepted.size() < total) {
                            List<ConsumerRecord> records = member.poll(Duration.ofMillis(20));
                            boolean stallNow = stalls && !records.isEmpty() && polls++ % 4 == 0;
                            if (stallNow && polls == 1) {
                                stallersHoldRecords.countDown();
                            }
                            if (stallNow) {
                                // The only sleep: long enough for the locks to expire.
                                Thread.sleep(3 * VISIBILITY_MS);
                            }
                            for (ConsumerRecord r : records) {
                                try {
                                    member.ack(r);
                                    accepted.merge(r.topicPartition() + "@" + r.offset(), 1, Integer::sum);
                                } catch (FencedMemberException e) {
                                    fenced.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "member-" + m);
                threads.add(t);
            }
            threads.get(0).start();
            threads.get(1).start();
            assertTrue(stallersHoldRecords.await(60, TimeUnit.SECONDS), "the stalling members took no records "
                    + "within 60 s");
            threads.get(2).start();
            threads.get(3).start();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(total, accepted.size());
            assertTrue(accepted.values().stream().allMatch(n -> n == 1), "each record accepted once: " + accepted);
            assertTrue(fenced.get() > 0, "stalled members had acks rejected");
            for (var lag : backend.admin().describeGroup("g").partitions()) {
                assertEquals(RECORDS_EACH, lag.committed(), lag.toString());
                assertEquals(0, lag.lag());
            }
            assertEquals(PARTITIONS, backend.admin().describeGroup("g").partitions().stream()
                    .map(l -> l.topicPartition()).filter(tp -> tp.topic().equals(TOPIC)).distinct().count());
        }
    }
}
