package dev.photoqueue.queue.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child JVMs for tests that need a real second process (an OS file lock held elsewhere) or a real
 * kill -9: each runs a test main with this JVM's java and class path ({@link ChildJvm}). A test
 * class registers it as a JUnit extension:
 *
 * <pre>{@code @RegisterExtension final ChildJvms children = new ChildJvms();}</pre>
 *
 * <p>After each test every child still running is killed (kill -9) and waited for, so no test
 * leaves a process behind. When a test fails, the children are killed first and what each printed
 * (the last {@value #REPORT_LINES} lines of stdout and stderr), with how it ended, is attached to
 * the failure as a suppressed exception: the report shows it beside the assertion. Used by the
 * test thread only.
 */
public final class ChildJvms implements AfterEachCallback, TestExecutionExceptionHandler {

    static final int REPORT_LINES = 200;

    private final List<ChildJvm> children = new ArrayList<>();

    /** Starts {@code main} with {@code args} in a new JVM, named {@code child-N} by start order. */
    public ChildJvm start(Class<?> main, String... args) throws IOException {
        return startWith(List.of(), main, args);
    }

    /** {@link #start} with options for the child's JVM ({@code -Xms1g}, say) before its main class. */
    public ChildJvm startWith(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        ChildJvm child = new ChildJvm("child-" + children.size(), jvmOptions, main, List.of(args));
        children.add(child);
        return child;
    }

    /** How many children this test started. */
    public int started() {
        return children.size();
    }

    /**
     * Runs {@code main} with {@code args} again and again, each run once the one before ended,
     * until a run exits 0: the crash-and-restart loop of a worker that dies on purpose. Every other
     * run must end with {@code haltStatus}, and no more than {@code maxHalts} may. Returns how many
     * halted.
     */
    public int haltsBeforeCleanExit(int haltStatus, int maxHalts, Class<?> main, String... args) throws IOException {
        int halts = 0;
        while (true) {
            ChildJvm run = start(main, args);
            int exit = run.awaitExit();
            if (exit == 0) {
                return halts;
            }
            assertEquals(haltStatus, exit, run + " failed otherwise than by halting");
            halts++;
            assertTrue(halts <= maxHalts, run + " halted too: more than " + maxHalts + " runs halted");
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (!children.isEmpty()) {
            children.forEach(ChildJvm::killQuietly);
            StringBuilder report = new StringBuilder("what the child JVMs printed:\n");
            for (ChildJvm child : children) {
                report.append(child.report(REPORT_LINES));
            }
            failure.addSuppressed(new ChildOutput(report.toString()));
        }
        throw failure;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        children.forEach(ChildJvm::killQuietly);
        children.clear();
    }

    /** The children's output beside a test failure; its stack trace would say nothing. */
    private static final class ChildOutput extends Exception {
        ChildOutput(String report) {
            super(report, null, false, false);
        }
    }
}
