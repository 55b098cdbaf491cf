package dev.photoqueue.e2e;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes a test starts (brokers, workers), none left behind: after each test every one of
 * them still running is killed (kill -9) and waited for, up to {@value #KILL_WAIT_SECONDS} s each.
 * A test class registers it as a JUnit extension:
 *
 * <pre>{@code @RegisterExtension final StartedProcesses processes = new StartedProcesses();}</pre>
 *
 * Used by the test thread only.
 */
final class StartedProcesses implements AfterEachCallback {

    static final long KILL_WAIT_SECONDS = 30;

    private final List<Process> processes = new ArrayList<>();

    /** Starts {@code builder}'s process; it is killed after the test if it still runs. */
    Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
