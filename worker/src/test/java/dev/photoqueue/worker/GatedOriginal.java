package dev.photoqueue.worker;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An original stored as a named pipe, so that a test knows when a worker is in the job that reads
 * it and decides when that job goes on: the worker's read waits until the test opens the other
 * end, and ends when the test has written the bytes it wants read. Tests use it instead of a sleep
 * that a loaded machine may outlast. Linux (mkfifo); one reader, one test thread.
 */
final class GatedOriginal {

    private final Path file;
    private OutputStream writer;

    private GatedOriginal(Path file) {
        this.file = file;
    }

    /** A named pipe at {@code file}, where a job's original is looked for. */
    static GatedOriginal create(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
        String output = new String(mkfifo.getInputStream().readAllBytes());
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + file + ": " + output);
        return new GatedOriginal(file);
    }

    /** Returns once a worker has opened the original to read it: it is in that job now. */
    void awaitReader(Duration timeout) throws InterruptedException {
        // opening a pipe to write waits for its reader; the wait runs on another thread to be bounded
        CompletableFuture<OutputStream> open = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            writer = open.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            unblock(open);
            throw new AssertionError("no worker opened " + file + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new AssertionError("opening " + file + " to write failed", e.getCause());
        }
    }

    /** Lets the waiting worker read {@code bytes}, then the end of the file. */
    void release(byte[] bytes) throws IOException {
        try (OutputStream out = writer) {
            out.write(bytes);
        }
    }

    /** Frees the thread still waiting to open the pipe by opening its read end once. */
    private void unblock(CompletableFuture<OutputStream> open) {
        try {
            Files.newInputStream(file).close();
            open.join().close();
        } catch (IOException | RuntimeException e) {
            // the test fails anyway; this only keeps a thread from hanging on
        }
    }
}
