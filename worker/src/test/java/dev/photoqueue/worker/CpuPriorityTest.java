package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuPriorityTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void lowersTheCallingThreadOnlyAndLeavesTheOthersAlone() throws Exception {
        Optional<Integer> before = CpuPriority.currentNice();
        assertTrue(before.isPresent(), "the test thread's nice value is readable from /proc/thread-self/stat");
        assumeTrue(before.get() < 19, "the build already runs at the lowest priority");
        int target = Math.min(19, before.get() + 7);
        AtomicReference<Boolean> lowered = new AtomicReference<>();
        AtomicReference<Optional<Integer>> niceInThread = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            lowered.set(CpuPriority.lowerCurrentThread(target));
            niceInThread.set(CpuPriority.currentNice());
        }, "cpu-priority-test");
        worker.start();
        worker.join();

        assertEquals(Boolean.TRUE, lowered.get());
        assertEquals(Optional.of(target), niceInThread.get());
        assertEquals(before, CpuPriority.currentNice(), "the calling thread of the test kept its priority");
    }

    @Test
    void zeroLeavesThePriorityAsItIs() {
        Optional<Integer> before = CpuPriority.currentNice();
        assertTrue(CpuPriority.lowerCurrentThread(0));
        assertEquals(before, CpuPriority.currentNice());
    }

    @Test
    void refusesNiceValuesOutsideTheUnprivilegedRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuPriority.lowerCurrentThread(20));
        assertTrue(e.getMessage().contains("20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuPriority.lowerCurrentThread(-1));
        IllegalArgumentException config = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromSettings(java.util.Map.of("worker.nice", "-5")));
        assertTrue(config.getMessage().contains("worker.nice"), config.getMessage());
    }
}
