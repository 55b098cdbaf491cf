package dev.photoqueue.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code --beside stress}: one {@code stress-ng --cpu 1} process kept running while a family's
 * rounds run, so they meet a machine with one core busy (what another build does to them). The
 * bench starts it and stops it, with its worker processes, when closed or when the bench's JVM
 * exits. Where stress-ng is not installed, {@link #start} says so and returns empty: the rounds
 * then run without it, and the header says which.
 */
final class StressBeside implements AutoCloseable {

    private static final long STOP_WAIT_SECONDS = 10;

    private final Process process;
    private final Thread onExit;

    private StressBeside(Process process) {
        this.process = process;
        this.onExit = new Thread(this::stop, "stop stress-ng");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts {@code stress-ng --cpu 1}, or prints why it cannot and returns empty. */
    static Optional<StressBeside> start() throws IOException {
        Optional<Path> binary = onPath("stress-ng");
        if (binary.isEmpty()) {
            System.out.println("--beside stress: stress-ng is not installed (Debian: apt-get install stress-ng);"
                    + " the rounds run WITHOUT a busy core beside them");
            return Optional.empty();
        }
        List<String> command = List.of(binary.get().toString(), "--cpu", "1", "--quiet");
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        System.out.println("Beside:   " + String.join(" ", command) + " (pid " + process.pid()
                + "), one core kept busy until the end");
        return Optional.of(new StressBeside(process));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Stops stress-ng and its workers: SIGTERM first (stress-ng then stops its workers), then SIGKILL. */
    private void stop() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs stop() again, which is harmless
        }
    }
}
