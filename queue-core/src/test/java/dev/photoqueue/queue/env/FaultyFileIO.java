package dev.photoqueue.queue.env;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link FileIO} over another that fails the operations a test names, the way Tape's and
 * RocksDB's fault-injection tests do: an I/O error on the next write or force of a file, a rename
 * that fails, or a disk that fills up in the middle of a write (what fits is written, then
 * "No space left on device"). It can also hold operations at a {@link Gate}, so that a test
 * knows a thread is in the middle of its work and decides when it goes on. Everything not named
 * passes through. Thread-safe.
 */
public final class FaultyFileIO implements FileIO {

    /** The operations a fault can be injected into. */
    public enum Op {
        OPEN, MAP, WRITE, FORCE, TRUNCATE, MOVE, DELETE, LIST, CREATE_DIRECTORIES, FORCE_DIRECTORY
    }

    /** One armed fault: fails {@code remaining} more matching operations (then disarms). */
    private static final class Fault {
        final Op op;
        final Predicate<Path> paths;
        final AtomicInteger remaining;

        Fault(Op op, Predicate<Path> paths, int times) {
            this.op = op;
            this.paths = paths;
            this.remaining = new AtomicInteger(times);
        }

        boolean take(Op what, Path path) {
            if (op != what || !paths.test(path)) {
                return false;
            }
            while (true) {
                int left = remaining.get();
                if (left <= 0) {
                    return false;
                }
                if (left == Integer.MAX_VALUE || remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }
    }

    /**
     * Holds every matching operation until {@link #open}: the thread waits before the operation
     * is made, and {@link #awaitArrivals} tells the test how many came. Once open, operations pass.
     */
    public static final class Gate {
        private final Op op;
        private final Predicate<Path> paths;
        private final Semaphore arrivals = new Semaphore(0);
        private final CountDownLatch opened = new CountDownLatch(1);

        private Gate(Op op, Predicate<Path> paths) {
            this.op = op;
            this.paths = paths;
        }

        /** Waits until {@code count} more operations came to the gate while it was shut; false if not within {@code timeout}. */
        public boolean awaitArrivals(int count, Duration timeout) throws InterruptedException {
            return arrivals.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets every held operation and every later one pass. */
        public void open() {
            opened.countDown();
        }

        private void pass(Op what, Path path) throws IOException {
            if (what != op || opened.getCount() == 0 || !paths.test(path)) {
                return;
            }
            arrivals.release();
            try {
                opened.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted at the gate before " + what + " of " + path);
            }
        }
    }

    private final FileIO delegate;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Gate> gates = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();
    /** Bytes writes may still add to matching files before the disk is full; negative: no limit. */
    private final AtomicLong spaceLeft = new AtomicLong(-1);
    private volatile Predicate<Path> spacePaths = p -> true;

    public FaultyFileIO(FileIO delegate) {
        this.delegate = delegate;
    }

    public FaultyFileIO() {
        this(FileIO.local());
    }

    /** Fails the next {@code times} operations {@code op} on paths that match. */
    public FaultyFileIO fail(Op op, Predicate<Path> paths, int times) {
        faults.add(new Fault(op, paths, times));
        return this;
    }

    /** Fails every operation {@code op} on paths that match, until {@link #heal}. */
    public FaultyFileIO failAlways(Op op, Predicate<Path> paths) {
        return fail(op, paths, Integer.MAX_VALUE);
    }

    /**
     * From now on, writes to matching files may add {@code bytes} more in all; the write that
     * crosses the limit writes what fits and then fails as a full disk does.
     */
    public FaultyFileIO diskFullAfter(long bytes, Predicate<Path> paths) {
        spacePaths = paths;
        spaceLeft.set(bytes);
        return this;
    }

    /** Holds every operation {@code op} on matching paths at a new gate until it is opened. */
    public Gate gate(Op op, Predicate<Path> paths) {
        Gate gate = new Gate(op, paths);
        gates.add(gate);
        return gate;
    }

    /** Disarms every fault, opens every gate and frees the disk. */
    public FaultyFileIO heal() {
        gates.forEach(Gate::open);
        faults.clear();
        spaceLeft.set(-1);
        return this;
    }

    /** How many operations failed by injection so far. */
    public int injected() {
        return injected.get();
    }

    /** Paths whose file name ends with {@code suffix}. */
    public static Predicate<Path> named(String suffix) {
        return p -> p.getFileName() != null && p.getFileName().toString().endsWith(suffix);
    }

    /** Paths at or under {@code dir}. */
    public static Predicate<Path> under(Path dir) {
        return p -> p.startsWith(dir);
    }

    private void check(Op op, Path path) throws IOException {
        for (Gate gate : gates) {
            gate.pass(op, path);
        }
        for (Fault fault : faults) {
            if (fault.take(op, path)) {
                injected.incrementAndGet();
                throw new IOException("injected fault: " + op.name().toLowerCase() + " of " + path + " failed");
            }
        }
    }

    @Override
    public FileHandle open(Path file, OpenMode mode) throws IOException {
        check(Op.OPEN, file);
        return new FaultyHandle(delegate.open(file, mode));
    }

    @Override
    public MappedRegion map(Path file, long length) throws IOException {
        check(Op.MAP, file);
        return delegate.map(file, length);
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        check(Op.MOVE, target);
        delegate.move(source, target);
    }

    @Override
    public void delete(Path path) throws IOException {
        check(Op.DELETE, path);
        delegate.delete(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        check(Op.DELETE, path);
        return delegate.deleteIfExists(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        check(Op.LIST, dir);
        return delegate.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        check(Op.CREATE_DIRECTORIES, dir);
        delegate.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return delegate.isDirectory(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return delegate.size(file);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        check(Op.FORCE_DIRECTORY, dir);
        delegate.forceDirectory(dir);
    }

    @Override
    public long usableSpace(Path path) throws IOException {
        long left = spaceLeft.get();
        long real = delegate.usableSpace(path);
        return left < 0 || !spacePaths.test(path) ? real : Math.min(real, left);
    }

    /** Passes through, failing writes, forces and truncates as armed. */
    private final class FaultyHandle implements FileHandle {

        private final FileHandle handle;

        FaultyHandle(FileHandle handle) {
            this.handle = handle;
        }

        @Override
        public Path path() {
            return handle.path();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return handle.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            check(Op.WRITE, path());
            long left = spaceLeft.get();
            if (left < 0 || !spacePaths.test(path())) {
                return handle.write(src, position);
            }
            long growth = Math.max(0, position + src.remaining() - handle.size());
            if (growth <= left) {
                spaceLeft.addAndGet(-growth);
                return handle.write(src, position);
            }
            // What fits is written; then the disk is full.
            int fits = (int) Math.max(0, Math.min(src.remaining(), handle.size() - position + left));
            if (fits > 0) {
                ByteBuffer part = src.slice().limit(fits);
                int written = handle.write(part, position);
                src.position(src.position() + written);
                spaceLeft.set(0);
                if (written > 0) {
                    return written;
                }
            }
            injected.incrementAndGet();
            throw new IOException("No space left on device (injected: " + path() + " is full)");
        }

        @Override
        public void force(boolean metadata) throws IOException {
            check(Op.FORCE, path());
            handle.force(metadata);
        }

        @Override
        public void truncate(long size) throws IOException {
            check(Op.TRUNCATE, path());
            long before = handle.size();
            handle.truncate(size);
            if (spaceLeft.get() >= 0 && spacePaths.test(path()) && size < before) {
                spaceLeft.addAndGet(before - size);
            }
        }

        @Override
        public long size() throws IOException {
            return handle.size();
        }

        @Override
        public boolean tryLock() throws IOException {
            return handle.tryLock();
        }

        @Override
        public void close() throws IOException {
            handle.close();
        }
    }
}
