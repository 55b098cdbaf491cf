package dev.photoqueue.queue.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A process is exiting only when /proc shows it cannot run again: SIGKILL pending for the whole
 * process, or every thread a zombie, past the start of do_exit or with SIGKILL pending. The
 * /proc trees here are files written as Linux writes them, with the states read from a killed and
 * from a halting 1 GB JVM; anything missing or not understood is "not exiting", so the lock
 * refuses at once as it did before.
 */
class ProcessExitProbeTest {

    private static final long PID = 4242;
    private static final String NO_SIGNAL = "0000000000000000";
    private static final String SIGKILL = "0000000000000100";
    /** Flags of a sleeping JVM thread, and of a zombie JVM main thread (PF_EXITING among them), as read. */
    private static final long LIVE_FLAGS = 0x400000;
    private static final long EXITED_FLAGS = 0x40840c;

    @TempDir
    Path proc;

    private ProcessExitProbe probe() {
        return new ProcessExitProbe(proc);
    }

    @Test
    void aProcessSentSigkillIsExitingBeforeAnyOfItsThreadsHasBegunToExit() throws IOException {
        process(SIGKILL, thread(PID, "R", LIVE_FLAGS, 256), thread(PID + 1, "S", LIVE_FLAGS, 256));
        assertTrue(probe().isExiting(PID));
    }

    @Test
    void aProcessWhoseThreadsHaveAllExitedOrBegunToIsExiting() throws IOException {
        // A JVM freeing its heap after a halt: the main thread a zombie, one thread in do_exit.
        process(NO_SIGNAL, thread(PID, "Z", EXITED_FLAGS, 0), thread(PID + 7, "R", 0x40044c, 0));
        assertTrue(probe().isExiting(PID));
    }

    @Test
    void threadsWithSigkillPendingOfTheirOwnAreExiting() throws IOException {
        // exit_group sends SIGKILL to every thread but its caller, which is already in do_exit.
        process(NO_SIGNAL, thread(PID, "S", LIVE_FLAGS, 256), thread(PID + 1, "R", 0x40044c, 0),
                thread(PID + 2, "D", LIVE_FLAGS, 256));
        assertTrue(probe().isExiting(PID));
    }

    @Test
    void oneLiveThreadMakesALiveProcessEvenWithAZombieMainThread() throws IOException {
        // A main thread that ended on its own leaves a zombie first thread; the process runs on.
        process(NO_SIGNAL, thread(PID, "Z", EXITED_FLAGS, 0), thread(PID + 1, "R", 0x40044c, 0),
                thread(PID + 2, "S", LIVE_FLAGS, 0));
        assertFalse(probe().isExiting(PID));
    }

    @Test
    void aRunningProcessIsNotExiting() throws IOException {
        process(NO_SIGNAL, thread(PID, "S", LIVE_FLAGS, 0), thread(PID + 1, "R", LIVE_FLAGS, 0));
        assertFalse(probe().isExiting(PID));
    }

    @Test
    void aProcessNotInProcIsNotExiting() {
        assertFalse(probe().isExiting(PID), "gone, or another pid namespace, or not Linux: the lock refuses as before");
    }

    @Test
    void whatCannotBeUnderstoodIsNotExiting() throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(PID)).resolve("task").resolve(Long.toString(PID)));
        Files.writeString(proc.resolve(Long.toString(PID)).resolve("status"), "Name:\tjava\nShdPnd:\tnot hex\n");
        Files.writeString(dir.resolve("stat"), thread(PID, "Z", EXITED_FLAGS, 0).stat());
        assertFalse(probe().isExiting(PID), "an unreadable ShdPnd");

        Files.writeString(proc.resolve(Long.toString(PID)).resolve("status"), "Name:\tjava\nShdPnd:\t" + NO_SIGNAL + "\n");
        Files.writeString(dir.resolve("stat"), PID + " (java) Z 1 2 3");
        assertFalse(probe().isExiting(PID), "a stat line cut short");

        Files.delete(dir.resolve("stat"));
        assertFalse(probe().isExiting(PID), "no thread could be read");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisProcessIsNotExitingInTheRealProc() {
        assertTrue(Files.isDirectory(Path.of("/proc/self/task")), "the probe reads Linux's /proc");
        assertFalse(ProcessExitProbe.LINUX.isExiting(ProcessHandle.current().pid()));
    }

    private record Task(long tid, String state, long flags, long pending) {

        /** A stat line as proc(5) gives it: 52 fields, the name in parentheses (here with a space and a parenthesis in it). */
        String stat() {
            List<String> fields = new ArrayList<>(List.of(Long.toString(tid), "(C2 Comp) x)", state));
            for (int field = 4; field <= 52; field++) {
                fields.add(switch (field) {
                    case 9 -> Long.toString(flags);
                    case 31 -> Long.toString(pending);
                    default -> "0";
                });
            }
            return String.join(" ", fields) + "\n";
        }
    }

    private static Task thread(long tid, String state, long flags, long pending) {
        return new Task(tid, state, flags, pending);
    }

    private void process(String sharedPending, Task... threads) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(PID)));
        Files.writeString(dir.resolve("status"), "Name:\tjava\nState:\t" + threads[0].state() + "\nSigPnd:\t" + NO_SIGNAL
                + "\nShdPnd:\t" + sharedPending + "\nSigBlk:\t" + NO_SIGNAL + "\n", StandardCharsets.ISO_8859_1);
        for (Task thread : threads) {
            Path task = Files.createDirectories(dir.resolve("task").resolve(Long.toString(thread.tid())));
            Files.writeString(task.resolve("stat"), thread.stat(), StandardCharsets.ISO_8859_1);
        }
    }
}
