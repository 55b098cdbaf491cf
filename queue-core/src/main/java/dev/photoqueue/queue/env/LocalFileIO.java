package dev.photoqueue.queue.env;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@link FileIO} on the real file system, through {@link FileChannel}. Stateless. */
final class LocalFileIO implements FileIO {

    static final LocalFileIO INSTANCE = new LocalFileIO();

    private LocalFileIO() {
    }

    @Override
    public FileHandle open(Path file, OpenMode mode) throws IOException {
        Set<StandardOpenOption> options = switch (mode) {
            case READ -> Set.of(StandardOpenOption.READ);
            case READ_WRITE -> Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            case CREATE_NEW -> Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            case TRUNCATE -> Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        };
        return new ChannelHandle(file, FileChannel.open(file, options));
    }

    @Override
    public MappedRegion map(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() != length) {
                raf.setLength(length);
            }
            MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new MappedRegion() {
                @Override
                public ByteBuffer buffer() {
                    return mapped;
                }

                @Override
                public void force() {
                    mapped.force();
                }

                @Override
                public void reserve(long position, int length) throws IOException {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ByteBuffer zeros = ByteBuffer.allocate(length);
                        while (zeros.hasRemaining()) {
                            channel.write(zeros, position + zeros.position());
                        }
                    }
                }
            };
        }
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.delete(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return Files.deleteIfExists(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return; // this platform cannot open a directory: nothing to force with
        }
        try (channel) {
            channel.force(true);
        }
    }

    /** Reads sequentially, as a positional read cannot: a named pipe holds an original in some tests. */
    @Override
    public byte[] readAllBytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public long usableSpace(Path path) throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    /** A {@link FileHandle} over a {@link FileChannel}. */
    private static final class ChannelHandle implements FileHandle {

        private final Path path;
        private final FileChannel channel;
        private FileLock lock;

        ChannelHandle(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return channel.write(src, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            channel.force(metadata);
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public synchronized boolean tryLock() throws IOException {
            lock = channel.tryLock();
            return lock != null;
        }

        @Override
        public synchronized void close() throws IOException {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            channel.close();
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
