package dev.photoqueue.queue.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells whether a process is on its way out, from Linux's {@code /proc}: true only when it cannot
 * run another instruction of its own, false when it is live, gone, or {@code /proc} does not say
 * (another OS, another pid namespace, a {@code hidepid} mount, a format not understood). Stateless;
 * thread-safe.
 *
 * <p>Why it matters: the kernel closes a dying process's files, which drops its file locks, only
 * after it has freed the process's memory ({@code do_exit} runs {@code exit_mm} before
 * {@code exit_files}); for a JVM with a large touched heap that takes a noticeable time (measured
 * here: about 0.25 s per GB resident) after {@code kill -9} has returned. {@link DataDirectoryLock}
 * waits for such an owner instead of refusing the start.
 *
 * <p>A process is exiting when either
 * <ul>
 *   <li>SIGKILL is pending for the whole process ({@code ShdPnd} in {@code status}), which is what
 *       {@code kill -9} and the OOM killer leave there from the moment they return until the
 *       process is reaped; SIGKILL cannot be caught, blocked or survived; or</li>
 *   <li>every one of its threads is a zombie or dead (state {@code Z} or {@code X}), has begun
 *       {@code do_exit} ({@code PF_EXITING}, flag 0x4 in field 9 of {@code stat}), or has SIGKILL
 *       pending for itself (field 31 of {@code stat}), as {@code exit_group} (a normal exit, the
 *       JVM's halt) leaves each thread but the caller. One thread that is none of these is a live
 *       process, even when its first thread is a zombie (a main thread that ended on its own).</li>
 * </ul>
 * These were checked by experiment on Linux 6.18: a 1 GB pre-touched JVM killed by SIGKILL shows
 * the SIGKILL bit in {@code ShdPnd} from the first read after {@code kill} returned, its first thread first
 * running with SIGKILL pending and then a zombie with {@code PF_EXITING}, one thread running with
 * {@code PF_EXITING} while its memory is freed, and its lock free 0.15 to 0.3 s later; one that
 * halts shows every thread {@code Z} or {@code R} with {@code PF_EXITING} and no shared SIGKILL.
 */
final class ProcessExitProbe {

    static final ProcessExitProbe LINUX = new ProcessExitProbe(Path.of("/proc"));

    /** SIGKILL is signal 9: bit 8 of a pending-signal mask. */
    private static final long SIGKILL_BIT = 1L << 8;
    /** {@code PF_EXITING} of include/linux/sched.h: set by {@code exit_signals} at the start of {@code do_exit}. */
    private static final long PF_EXITING = 0x4;
    /** Fields of {@code /proc/<pid>/task/<tid>/stat}, counted from 1 as in proc(5). */
    private static final int STATE_FIELD = 3;
    private static final int FLAGS_FIELD = 9;
    private static final int SIGNAL_FIELD = 31;

    private final Path proc;

    ProcessExitProbe(Path proc) {
        this.proc = proc;
    }

    boolean isExiting(long pid) {
        Path process = proc.resolve(Long.toString(pid));
        Optional<Long> shared = sharedPending(process);
        if (shared.isEmpty()) {
            return false;
        }
        if ((shared.get() & SIGKILL_BIT) != 0) {
            return true;
        }
        return everyThreadExiting(process.resolve("task"));
    }

    private static Optional<Long> sharedPending(Path process) {
        Optional<String> status = read(process.resolve("status"));
        if (status.isEmpty()) {
            return Optional.empty();
        }
        for (String line : status.get().split("\n")) {
            if (line.startsWith("ShdPnd:")) {
                try {
                    return Optional.of(Long.parseUnsignedLong(line.substring("ShdPnd:".length()).trim(), 16));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** False when a thread is live, when no thread could be read, or when one could not be understood. */
    private static boolean everyThreadExiting(Path tasks) {
        int seen = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                Optional<String> stat = read(thread.resolve("stat"));
                if (stat.isEmpty()) {
                    continue; // the thread was released between the listing and the read: it has exited
                }
                if (!threadExiting(stat.get())) {
                    return false;
                }
                seen++;
            }
        } catch (IOException e) {
            return false;
        }
        return seen > 0;
    }

    private static boolean threadExiting(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
        int nameEnd = stat.lastIndexOf(')');
        if (nameEnd < 0) {
            return false;
        }
        String[] fields = stat.substring(nameEnd + 1).trim().split(" ");
        int first = STATE_FIELD; // fields[0] is field 3
        if (fields.length <= SIGNAL_FIELD - first) {
            return false;
        }
        try {
            String state = fields[STATE_FIELD - first];
            long flags = Long.parseUnsignedLong(fields[FLAGS_FIELD - first]);
            long pending = Long.parseUnsignedLong(fields[SIGNAL_FIELD - first]);
            return state.equals("Z") || state.equals("X") || state.equals("x")
                    || (flags & PF_EXITING) != 0 || (pending & SIGKILL_BIT) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** ISO-8859-1 decodes any byte, so a thread named in another encoding is still read. */
    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
