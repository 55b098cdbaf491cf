package dev.photoqueue.queue.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A disk in memory with the durability rules of a real one, for the seeded simulation: what a
 * process writes is in the "page cache" at once and survives a crash of the process; only what
 * was forced survives a power loss. A file's bytes are durable once the file was forced; a new
 * name, a rename or a deletion once its directory was forced.
 *
 * <p>{@link #powerLoss} keeps exactly the durable state, except that the page after a file's
 * durable end may have been partly written (torn: some of the new bytes, possibly followed by
 * garbage), and that unforced bytes may have reached the disk anyway (the OS writes back on its
 * own) up to a random point. Memory-mapped files (the indexes) keep what was written through
 * them: they are outside the fault model, and recovery rebuilds them when they disagree with the
 * log. Names not durable in their directory vanish with their content.
 *
 * <p>Each {@link #process} is one incarnation of the process using the disk: its open files and
 * locks die with {@link #crash} or {@link #powerLoss}. Single-threaded: the simulation drives it
 * from one thread.
 */
public final class SimulatedDisk {

    private static final int PAGE = 4096;

    /** A file's content: what the page cache holds, and what the disk holds. */
    private static final class FileNode {
        byte[] data = new byte[0];
        int size;
        byte[] durable = new byte[0];
        int durableSize;
        /** The lowest position changed since the last force. */
        int dirtyFrom = Integer.MAX_VALUE;
        boolean mapped;

        void ensure(int capacity) {
            if (capacity > data.length) {
                data = Arrays.copyOf(data, Math.max(capacity, Math.max(64, data.length * 2)));
            }
        }

        void force() {
            if (mapped) {
                durable = Arrays.copyOf(data, size);
            } else if (dirtyFrom != Integer.MAX_VALUE || durableSize != size) {
                if (durable.length < size) {
                    durable = Arrays.copyOf(durable, Math.max(size, durable.length * 2));
                }
                int from = Math.min(dirtyFrom, Math.min(size, durableSize));
                System.arraycopy(data, from, durable, from, size - from);
            }
            durableSize = size;
            dirtyFrom = Integer.MAX_VALUE;
        }
    }

    /** A directory: its entries as the page cache has them, and as the disk has them. */
    private static final class DirNode {
        final TreeMap<String, Object> entries = new TreeMap<>();
        TreeMap<String, Object> durable = new TreeMap<>();

        void force() {
            durable = new TreeMap<>(entries);
        }
    }

    private final DirNode root = new DirNode();
    private final Map<FileNode, Handle> locks = new HashMap<>();
    private Process current;
    private long capacityBytes = Long.MAX_VALUE;
    private int powerLosses;

    /** A view of the disk for one process incarnation; the previous one is dead from now on. */
    public FileIO process() {
        if (current != null) {
            current.alive = false;
        }
        current = new Process();
        locks.values().removeIf(h -> !h.process.alive);
        return current;
    }

    /** The process dies: its open files close, its locks go; everything it wrote stays in the page cache. */
    public void crash() {
        if (current != null) {
            current.alive = false;
            current = null;
        }
        locks.clear();
    }

    /**
     * The machine loses power: the process dies and the disk keeps what was forced, with the torn
     * and written-back tails the class comment describes, chosen by {@code random}.
     */
    public void powerLoss(Random random) {
        crash();
        powerLosses++;
        revert(root, random);
    }

    public int powerLosses() {
        return powerLosses;
    }

    /** Writes past this many bytes of file content in all fail as a full disk does. */
    public void setCapacity(long bytes) {
        capacityBytes = bytes;
    }

    /** Creates {@code dir} and its parents durably: the place a test starts from. */
    public void createDurableDirectories(Path dir) {
        DirNode at = root;
        for (Path name : dir.toAbsolutePath().normalize()) {
            Object next = at.entries.get(name.toString());
            if (next == null) {
                next = new DirNode();
                at.entries.put(name.toString(), next);
            }
            at.force();
            at = (DirNode) next;
        }
    }

    private void revert(DirNode dir, Random random) {
        dir.entries.clear();
        dir.entries.putAll(dir.durable);
        for (Object child : dir.entries.values()) {
            if (child instanceof DirNode d) {
                revert(d, random);
            } else {
                revert((FileNode) child, random);
            }
        }
    }

    private static void revert(FileNode file, Random random) {
        if (file.mapped) {
            return;
        }
        byte[] now = Arrays.copyOf(file.data, file.size);
        int nowSize = file.size;
        int from = Math.min(file.dirtyFrom, file.durableSize);
        file.data = Arrays.copyOf(file.durable, Math.max(file.durableSize, 64));
        file.size = file.durableSize;
        if (from < nowSize && nowSize > file.durableSize) {
            int keep = 0;
            switch (random.nextInt(4)) {
                case 0 -> keep = 0; // every unforced byte lost
                case 1 -> keep = Math.min(nowSize - from, PAGE - from % PAGE); // the first page partly written
                case 2 -> keep = random.nextInt(nowSize - from + 1); // written back up to some point
                default -> keep = nowSize - from; // all written back
            }
            if (keep > 0 && from + keep > file.durableSize) {
                file.ensure(from + keep);
                System.arraycopy(now, from, file.data, from, keep);
                file.size = from + keep;
                if (random.nextInt(3) == 0) {
                    // A torn page: its end holds garbage instead of what was written.
                    int tornFrom = Math.max(from, file.size - 1 - random.nextInt(Math.min(PAGE, keep)));
                    for (int i = tornFrom; i < file.size; i++) {
                        file.data[i] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        file.dirtyFrom = Integer.MAX_VALUE;
        file.durable = Arrays.copyOf(file.data, file.size);
        file.durableSize = file.size;
    }

    private long totalSize() {
        return totalSize(root);
    }

    private static long totalSize(DirNode dir) {
        long total = 0;
        for (Object child : dir.entries.values()) {
            total += child instanceof DirNode d ? totalSize(d) : ((FileNode) child).size;
        }
        return total;
    }

    /** One process's view: refuses everything once the process is dead. */
    private final class Process implements FileIO {

        boolean alive = true;

        private void checkAlive() throws IOException {
            if (!alive) {
                throw new IOException("the process that opened this view has died");
            }
        }

        private DirNode dirOf(Path path, boolean create) throws IOException {
            DirNode at = root;
            Path normal = path.toAbsolutePath().normalize();
            for (Path name : normal) {
                Object next = at.entries.get(name.toString());
                if (next == null) {
                    if (!create) {
                        throw new NoSuchFileException(path.toString());
                    }
                    next = new DirNode();
                    at.entries.put(name.toString(), next);
                }
                if (!(next instanceof DirNode d)) {
                    throw new NotDirectoryException(path.toString());
                }
                at = d;
            }
            return at;
        }

        private DirNode parentOf(Path path) throws IOException {
            Path parent = path.toAbsolutePath().normalize().getParent();
            return parent == null ? root : dirOf(parent, false);
        }

        private static String nameOf(Path path) {
            return path.toAbsolutePath().normalize().getFileName().toString();
        }

        private Object find(Path path) {
            try {
                Path parent = path.toAbsolutePath().normalize().getParent();
                if (parent == null) {
                    return root;
                }
                return dirOf(parent, false).entries.get(nameOf(path));
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public FileHandle open(Path file, OpenMode mode) throws IOException {
            checkAlive();
            DirNode parent = parentOf(file);
            Object existing = parent.entries.get(nameOf(file));
            if (existing instanceof DirNode) {
                throw new IOException(file + " is a directory");
            }
            FileNode node = (FileNode) existing;
            switch (mode) {
                case READ -> {
                    if (node == null) {
                        throw new NoSuchFileException(file.toString());
                    }
                }
                case CREATE_NEW -> {
                    if (node != null) {
                        throw new FileAlreadyExistsException(file.toString());
                    }
                }
                default -> {
                }
            }
            if (node == null) {
                node = new FileNode();
                parent.entries.put(nameOf(file), node);
            }
            if (mode == OpenMode.TRUNCATE && node.size > 0) {
                node.size = 0;
                node.dirtyFrom = 0;
            }
            return new Handle(this, file, node, mode != OpenMode.READ);
        }

        @Override
        public MappedRegion map(Path file, long length) throws IOException {
            checkAlive();
            DirNode parent = parentOf(file);
            Object existing = parent.entries.get(nameOf(file));
            FileNode node = existing instanceof FileNode f ? f : new FileNode();
            parent.entries.put(nameOf(file), node);
            node.mapped = true;
            node.data = Arrays.copyOf(node.data, (int) length);
            node.size = (int) length;
            ByteBuffer buffer = ByteBuffer.wrap(node.data);
            return new MappedRegion() {
                @Override
                public ByteBuffer buffer() {
                    return buffer;
                }

                @Override
                public void force() {
                    node.force();
                }

                @Override
                public void reserve(long position, int length) {
                    // A simulated mapping is memory: nothing to reserve.
                }
            };
        }

        @Override
        public void move(Path source, Path target) throws IOException {
            checkAlive();
            DirNode from = parentOf(source);
            Object node = from.entries.get(nameOf(source));
            if (node == null) {
                throw new NoSuchFileException(source.toString());
            }
            DirNode to = parentOf(target);
            Object replaced = to.entries.get(nameOf(target));
            if (replaced instanceof DirNode d && !d.entries.isEmpty()) {
                throw new DirectoryNotEmptyException(target.toString());
            }
            from.entries.remove(nameOf(source));
            to.entries.put(nameOf(target), node);
        }

        @Override
        public void delete(Path path) throws IOException {
            checkAlive();
            DirNode parent = parentOf(path);
            Object node = parent.entries.get(nameOf(path));
            if (node == null) {
                throw new NoSuchFileException(path.toString());
            }
            if (node instanceof DirNode d && !d.entries.isEmpty()) {
                throw new DirectoryNotEmptyException(path.toString());
            }
            parent.entries.remove(nameOf(path));
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            checkAlive();
            if (find(path) == null) {
                return false;
            }
            delete(path);
            return true;
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            checkAlive();
            List<Path> out = new ArrayList<>();
            for (String name : dirOf(dir, false).entries.keySet()) {
                out.add(dir.resolve(name));
            }
            return out;
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            checkAlive();
            dirOf(dir, true);
        }

        @Override
        public boolean exists(Path path) {
            return alive && find(path) != null;
        }

        @Override
        public boolean isDirectory(Path path) {
            return alive && find(path) instanceof DirNode;
        }

        @Override
        public long size(Path file) throws IOException {
            checkAlive();
            Object node = find(file);
            if (!(node instanceof FileNode f)) {
                throw new NoSuchFileException(file.toString());
            }
            return f.size;
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            checkAlive();
            dirOf(dir, false).force();
        }

        @Override
        public long usableSpace(Path path) {
            return capacityBytes == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : Math.max(0, capacityBytes - totalSize());
        }
    }

    /** An open file of one process. */
    private final class Handle implements FileHandle {

        final Process process;
        final Path path;
        final FileNode node;
        final boolean writable;
        boolean open = true;

        Handle(Process process, Path path, FileNode node, boolean writable) {
            this.process = process;
            this.path = path;
            this.node = node;
            this.writable = writable;
        }

        private void check() throws IOException {
            if (!open || !process.alive) {
                throw new ClosedChannelException();
            }
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            check();
            if (position >= node.size) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), node.size - position);
            dst.put(node.data, (int) position, n);
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            check();
            if (!writable) {
                throw new IOException(path + " is open for reading only");
            }
            int n = src.remaining();
            long growth = Math.max(0, position + n - node.size);
            if (growth > 0 && capacityBytes != Long.MAX_VALUE) {
                long left = capacityBytes - totalSize();
                if (left < growth) {
                    n = (int) Math.max(0, Math.min(n, node.size - position + left));
                    if (n == 0) {
                        throw new IOException("No space left on device (simulated disk of " + capacityBytes
                                + " bytes is full)");
                    }
                }
            }
            node.ensure((int) position + n);
            if (position > node.size) {
                Arrays.fill(node.data, node.size, (int) position, (byte) 0);
            }
            src.get(node.data, (int) position, n);
            node.size = (int) Math.max(node.size, position + n);
            node.dirtyFrom = (int) Math.min(node.dirtyFrom, position);
            return n;
        }

        @Override
        public void force(boolean metadata) throws IOException {
            check();
            node.force();
        }

        @Override
        public void truncate(long size) throws IOException {
            check();
            if (size < node.size) {
                node.size = (int) size;
                node.dirtyFrom = (int) Math.min(node.dirtyFrom, size);
            }
        }

        @Override
        public long size() throws IOException {
            check();
            return node.size;
        }

        @Override
        public boolean tryLock() throws IOException {
            check();
            Handle holder = locks.get(node);
            if (holder != null && holder.open && holder.process.alive) {
                if (holder.process == process) {
                    throw new OverlappingFileLockException();
                }
                return false;
            }
            locks.put(node, this);
            return true;
        }

        @Override
        public void close() {
            open = false;
            locks.remove(node, this);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
