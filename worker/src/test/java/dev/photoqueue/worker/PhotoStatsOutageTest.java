package dev.photoqueue.worker;

import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PhotoStats} on a real in-house log, on a bad day: polls that fail as they do while a
 * Kafka broker is away, then a pause longer than the session timeout, after which the group has
 * removed the member and fences its ack. The counts go on and reach every event; the first such
 * failure used to stop them for good, and the page's counts froze until a restart.
 */
class PhotoStatsOutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PHOTOS = 40;

    @TempDir
    Path dir;
    private QueueBackend backend;

    @BeforeEach
    void open() {
        backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 2));
        MessageCodec codec = new MessageCodec();
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < PHOTOS; i++) {
                String id = "p" + i;
                PhotoProcessed event = new PhotoProcessed(id, List.of(), new PhotoProcessed.Timings(1, 2, 3, 4, 10),
                        "w", 1, false, "u" + (i % 2));
                producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                        codec.encode(event)));
            }
            producer.flush();
        }
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void pollsFailingWhileTheBackendIsAwayAndAMemberFencedAfterALongPauseDoNotStopTheCounts() {
        AtomicInteger failedPolls = new AtomicInteger();
        AtomicInteger fencedAcks = new AtomicInteger();
        QueueBackend failing = withGroupConsumer(backend, real -> failingMember(real, failedPolls, fencedAcks));

        try (PhotoStats stats = PhotoStats.start(failing, dir.resolve("stats"))) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (stats.summary(1).distinct() < PHOTOS) {
                assertTrue(System.nanoTime() < deadline, "counted " + stats.summary(1).distinct() + " of "
                        + PHOTOS + " photos within " + TIMEOUT + " after " + failedPolls.get() + " failed polls and "
                        + fencedAcks.get() + " fenced acks");
                Thread.onSpinWait();
            }
            PhotoStats.Summary summary = stats.summary(10);
            assertEquals(3, failedPolls.get(), "the member's polls failed three times");
            assertEquals(1, fencedAcks.get(), "its first ack was fenced");
            // the event counted before the fenced ack came again to the member that rejoined
            assertEquals(PHOTOS + 1, summary.counted(), "every event counted, the fenced one twice: " + summary);
            assertEquals(2, summary.users());
        }
    }

    /**
     * The real member, but its first three polls fail as a poll does while the broker is away,
     * and before its first ack it stalls (a long pause of the machine) until the group has removed
     * it, so that the real ack is fenced.
     */
    private GroupConsumer failingMember(GroupConsumer real, AtomicInteger failedPolls, AtomicInteger fencedAcks) {
        return (GroupConsumer) Proxy.newProxyInstance(GroupConsumer.class.getClassLoader(),
                new Class<?>[] {GroupConsumer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("poll") && failedPolls.get() < 3) {
                        failedPolls.incrementAndGet();
                        throw new BackendUnavailableException("kafka:9092", 30_000, "poll", null);
                    }
                    if (method.getName().equals("ack") && fencedAcks.get() == 0) {
                        awaitRemoved(real.memberId());
                        try {
                            return invoke(real, method, args);
                        } catch (FencedMemberException e) {
                            fencedAcks.incrementAndGet();
                            throw e;
                        }
                    }
                    return invoke(real, method, args);
                });
    }

    /** Waits until the group no longer lists the member: its session timed out. */
    private void awaitRemoved(String memberId) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (backend.admin().describeGroup(PhotoStats.GROUP).members().stream()
                .anyMatch(m -> m.memberId().equals(memberId))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("member " + memberId + " still in the group after " + TIMEOUT);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** {@code backend}, with each group member it opens passed through {@code wrap}. */
    private static QueueBackend withGroupConsumer(QueueBackend backend,
                                                  java.util.function.UnaryOperator<GroupConsumer> wrap) {
        return (QueueBackend) Proxy.newProxyInstance(QueueBackend.class.getClassLoader(),
                new Class<?>[] {QueueBackend.class}, (proxy, method, args) -> {
                    Object result = invoke(backend, method, args);
                    return method.getName().equals("groupConsumer") ? wrap.apply((GroupConsumer) result) : result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
