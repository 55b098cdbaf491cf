package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadLoopTest {

    private static final Duration RETRY = Duration.ofMillis(1);

    @Test
    void aFailedStepIsTriedAgainUntilTheReaderStops() {
        AtomicInteger steps = new AtomicInteger();
        List<Integer> done = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);

        ReadLoop.repeat("test reader", RETRY, running::get, () -> {
            int step = steps.incrementAndGet();
            if (step <= 3) {
                throw new IllegalStateException("the broker is away (step " + step + ")");
            }
            done.add(step);
            if (step == 5) {
                running.set(false);
            }
        });

        assertEquals(List.of(4, 5), done, "steps 1 to 3 failed and were tried again; the stop after step 5 ended it");
    }

    @Test
    void aStepThatFailsOnceTheReaderIsStoppingEndsTheLoopWithoutAPause() {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger steps = new AtomicInteger();

        // An hour's pause would hang the test: the loop must end at once.
        ReadLoop.repeat("test reader", Duration.ofHours(1), running::get, () -> {
            steps.incrementAndGet();
            running.set(false);
            throw new IllegalStateException("the consumer was closed under the poll");
        });

        assertEquals(1, steps.get());
    }

    @Test
    void anInterruptDuringThePauseEndsTheLoopWithTheFlagSetAgain() throws InterruptedException {
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicInteger steps = new AtomicInteger();
        Thread reader = new Thread(() -> {
            ReadLoop.repeat("test reader", Duration.ofHours(1), () -> true, () -> {
                steps.incrementAndGet();
                failed.countDown();
                throw new IllegalStateException("the broker is away");
            });
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        reader.start();
        assertTrue(failed.await(30, TimeUnit.SECONDS), "the first step ran");
        reader.interrupt();
        reader.join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(reader.isAlive(), "the loop ended on the interrupt");
        assertTrue(interruptedAfter.get(), "the interrupt flag is set again for the caller");
        assertEquals(1, steps.get(), "no step ran after the interrupt");
    }

    @Test
    void aRunOfTheSameFailureIsLoggedOnceAndTheRecoveryOnce() {
        AtomicInteger steps = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> lines = new ArrayList<>();

        ReadLoop.repeat("test reader", RETRY, running::get, () -> {
            int step = steps.incrementAndGet();
            if (step <= 4) {
                throw new IllegalStateException("no space left on device");
            }
            if (step == 5) {
                throw new IllegalStateException("the broker is away");
            }
            if (step == 7) {
                running.set(false);
            }
        }, new ListLogger(lines));

        assertEquals(List.of(
                "WARN test reader: reading the queue failed, trying again every 1 ms (said again when the error "
                        + "changes): java.lang.IllegalStateException: no space left on device",
                "WARN test reader: reading the queue failed, trying again every 1 ms (said again when the error "
                        + "changes): java.lang.IllegalStateException: the broker is away",
                "INFO test reader: reading the queue works again, after 5 failed tries"), lines);
    }

    /** Keeps each line logged at INFO and above as its level and formatted message. */
    private static final class ListLogger extends LegacyAbstractLogger {
        private final List<String> lines;

        ListLogger(List<String> lines) {
            this.lines = lines;
            this.name = "test";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                                                   Object[] arguments, Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(messagePattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
