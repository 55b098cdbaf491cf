package dev.photoqueue.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A temp directory made for one benchmark run and deleted with everything in it when closed
 * (also from a shutdown hook, so an interrupted run leaves nothing behind). Each round asks for a
 * {@link #fresh} sub-directory, so no round reads or appends to another's data. Thread-safe.
 */
final class WorkDir implements AutoCloseable {

    private final Path root;
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private WorkDir(Path root) {
        this.root = root;
    }

    /** A new temp dir under {@code parent}, or under ./target or java.io.tmpdir when null. */
    static WorkDir create(Path parent) throws IOException {
        Path base = parent != null ? parent
                : Files.isDirectory(Path.of("target")) ? Path.of("target")
                : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(base);
        WorkDir dir = new WorkDir(Files.createTempDirectory(base.toAbsolutePath(), "photoqueue-bench-"));
        Runtime.getRuntime().addShutdownHook(new Thread(dir::close, "bench-cleanup"));
        return dir;
    }

    Path path() {
        return root;
    }

    /** A new, empty sub-directory named after {@code purpose}; not created, so a backend can make it. */
    Path fresh(String purpose) {
        return root.resolve(purpose + "-" + counter.incrementAndGet());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            deleteTree(root);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete benchmark data in " + dir, e);
        }
    }
}
