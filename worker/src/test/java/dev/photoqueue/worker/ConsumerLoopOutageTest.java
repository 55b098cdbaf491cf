package dev.photoqueue.worker;

import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.worker.job.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose poll fails because the queue backend is away, or because the group fenced it,
 * keeps polling (and so rejoins) instead of dying.
 */
class ConsumerLoopOutageTest {

    @TempDir
    Path dir;

    @Test
    void pollFailingWithBackendUnavailableIsRetriedAndTheWorkerGoesOn() throws Exception {
        pollFailingThreeTimesIsRetried(() -> new BackendUnavailableException("kafka:9092", 30_000,
                "commit the positions", null));
    }

    @Test
    void pollFailingBecauseTheGroupFencedTheMemberIsRetriedAndTheWorkerGoesOn() throws Exception {
        pollFailingThreeTimesIsRetried(() -> new FencedMemberException("thumbnailers", "w-1", null,
                "Kafka refused the commit: the member epoch is stale"));
    }

    private void pollFailingThreeTimesIsRetried(java.util.function.Supplier<RuntimeException> failure)
            throws Exception {
        AtomicInteger polls = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        ConsumerLoop[] loop = new ConsumerLoop[1];
        GroupConsumer consumer = (GroupConsumer) Proxy.newProxyInstance(GroupConsumer.class.getClassLoader(),
                new Class<?>[] {GroupConsumer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "poll" -> {
                        int n = polls.incrementAndGet();
                        if (n <= 3) {
                            throw failure.get();
                        }
                        loop[0].requestStop();
                        yield List.of();
                    }
                    case "close" -> {
                        closed.set(true);
                        yield null;
                    }
                    case "subscribe" -> null;
                    case "groupId" -> "thumbnailers";
                    default -> throw new UnsupportedOperationException(method.getName() + " is not part of this test");
                });
        Producer producer = (Producer) Proxy.newProxyInstance(Producer.class.getClassLoader(),
                new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName() + " is not part of this test");
                });
        WorkerConfig config = WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "poll.timeout.ms", "10"));
        loop[0] = new ConsumerLoop("w-1", consumer, producer, PhotoProcessor.from(config), new MessageCodec(), config,
                new Chaos(), Delivery.AT_LEAST_ONCE, null);
        Thread thread = new Thread(loop[0], "outage-worker");
        thread.start();
        thread.join(60_000);
        assertFalse(thread.isAlive(), "the worker stopped when asked, within 60 s");
        assertTrue(polls.get() >= 4, "polled on after the failures: " + polls.get() + " polls");
        assertTrue(closed.get(), "left its group on stop");
    }
}
