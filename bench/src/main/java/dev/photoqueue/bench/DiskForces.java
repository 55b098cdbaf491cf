package dev.photoqueue.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * What the disk alone costs for the durable steps of one upload, measured beside the uploads in
 * the same run and data dir: a new file of the photo's size written, forced, renamed into place
 * and its folder forced (what storing the original does), and a small record appended to a file
 * and forced (what appending the job does). Nothing else: no hashing, no HTTP, no queue. One
 * thread at a time.
 */
final class DiskForces implements AutoCloseable {

    private static final int RECORD_BYTES = 300;
    private final Path dir;
    private final byte[] photo;
    private final FileChannel log;
    private int files;

    DiskForces(Path dir, byte[] photo) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.photo = photo;
        this.log = FileChannel.open(dir.resolve("log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Milliseconds to write, force, rename and force the folder of a file as large as the photo. */
    double storeFile() throws IOException {
        Path temp = dir.resolve(".file-" + files + ".tmp");
        Path target = dir.resolve("file-" + files++);
        long start = System.nanoTime();
        try (FileChannel c = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(photo);
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Milliseconds to append a small record and force it. */
    double appendRecord() throws IOException {
        long start = System.nanoTime();
        ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES);
        while (b.hasRemaining()) {
            log.write(b);
        }
        log.force(false);
        return (System.nanoTime() - start) / 1e6;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
