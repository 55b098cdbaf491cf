package dev.photoqueue.queue.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness of the crash tests: a child's lines can be waited for, its exit status read, it can
 * be killed, and a failing test gets what every child printed attached; after a test no child runs.
 * The extension's callbacks are called directly here, as JUnit would call them.
 */
class ChildJvmsTest {

    private final ChildJvms children = new ChildJvms();

    @AfterEach
    void killChildren() {
        children.afterEach(null);
    }

    @Test
    void awaitLineReturnsTheFirstMatchingLineAndAwaitExitTheStatus() throws Exception {
        ChildJvm child = children.start(PrintingChildMain.class, "one", "READY 2", "three");
        assertEquals("one", child.firstLine());
        assertEquals("READY 2", child.awaitLine(line -> line.startsWith("READY"), "the ready line"));
        assertEquals(0, child.awaitExit());
        assertEquals(1, children.started());
    }

    @Test
    void awaitLineFailsNamingTheChildWhenItsOutputEndsWithoutTheLine() throws Exception {
        ChildJvm child = children.start(PrintingChildMain.class, "one");
        AssertionError e = assertThrows(AssertionError.class,
                () -> child.awaitLine(line -> line.equals("two"), "the line two"));
        assertTrue(e.getMessage().contains("PrintingChildMain") && e.getMessage().contains("the line two"),
                e.getMessage());
    }

    @Test
    void killEndsTheChildAtOnceAndAwaitConditionFailsOnceItIsGone() throws Exception {
        ChildJvm child = children.start(PrintingChildMain.class, "up", "wait");
        child.firstLine();
        child.kill();
        assertFalse(child.isAlive());
        AssertionError e = assertThrows(AssertionError.class, () -> child.awaitCondition("never", () -> false));
        assertTrue(e.getMessage().contains("ended"), e.getMessage());
    }

    @Test
    void failureOfATestCarriesWhatEachChildPrintedOnBothStreams() throws Exception {
        ChildJvm done = children.start(PrintingChildMain.class, "out-line", "err:err-line");
        done.awaitExit();
        ChildJvm running = children.start(PrintingChildMain.class, "still-up", "wait");
        running.firstLine();
        AssertionError failure = new AssertionError("the test failed");

        Throwable thrown = assertThrows(Throwable.class, () -> children.handleTestExecutionException(null, failure));
        assertSame(failure, thrown, "the test's own failure is what is reported");
        assertFalse(running.isAlive(), "the children are killed before their output is taken");
        List<String> report = Arrays.asList(failure.getSuppressed()[0].getMessage().split("\n"));
        assertTrue(report.containsAll(List.of("out-line", "err:err-line", "still-up")), String.join("\n", report));
        assertTrue(report.stream().anyMatch(l -> l.startsWith("=== child-0") && l.endsWith("exit 0")),
                report.toString());
        assertTrue(report.stream().anyMatch(l -> l.startsWith("=== child-1") && l.contains("exit")), report.toString());
    }

    @Test
    void afterEachKillsEveryChildStillRunning() throws Exception {
        ChildJvm child = children.start(PrintingChildMain.class, "up", "wait");
        child.firstLine();
        children.afterEach(null);
        assertFalse(child.isAlive());
        assertEquals(0, children.started(), "a new test starts with no children");
    }
}
