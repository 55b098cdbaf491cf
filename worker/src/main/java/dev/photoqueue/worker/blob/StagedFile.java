package dev.photoqueue.worker.blob;

import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One file of the blob store on its way in: a temporary file beside the target, written in pieces,
 * then by {@link #commit} forced, renamed over the target and the target's folder forced. The
 * rename is the commit point; {@link FileBlobStore}'s class comment says what every step leaves
 * behind when it fails or the process dies. Until the rename nothing at the target changes, and a
 * staged file closed without a commit deletes its temporary file. One thread at a time.
 */
final class StagedFile implements StagedOriginal {

    private static final Logger LOG = LoggerFactory.getLogger(StagedFile.class);
    /** Temporary files are {@code .<target name>.<random>.tmp}: hidden, and found by the start-up sweep. */
    static final String TEMP_PREFIX = ".";
    static final String TEMP_SUFFIX = ".tmp";
    /** Random names that may collide with a file already there before creating one is given up. */
    private static final int CREATE_ATTEMPTS = 16;

    private final FileIO files;
    private final boolean fsync;
    private final String photoId;
    private final Path target;
    private final String location;
    /** Non-null for originals: see {@link #commit}. */
    private final Object undoLock;
    private final Path temp;
    private final FileHandle handle;
    private final MessageDigest digest = FileBlobStore.newSha256();
    private long size;
    private boolean committed;
    private boolean closed;

    private StagedFile(FileIO files, boolean fsync, String photoId, Path target, String location, Object undoLock,
                       Path temp, FileHandle handle) {
        this.files = files;
        this.fsync = fsync;
        this.photoId = photoId;
        this.target = target;
        this.location = location;
        this.undoLock = undoLock;
        this.temp = temp;
        this.handle = handle;
    }

    /**
     * Creates the temporary file (and the target's folder when missing). {@code location} is the
     * target relative to the store's root, returned by {@link #commit}. With an {@code undoLock} a
     * commit whose folder force fails takes its rename back when nothing was at the target before.
     * {@link BlobIOException} naming the target when the folder or the file cannot be created.
     */
    static StagedFile create(FileIO files, boolean fsync, String photoId, Path target, String location,
                             Object undoLock) {
        Path dir = target.getParent();
        try {
            files.createDirectories(dir);
            for (int attempt = 1; ; attempt++) {
                Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "."
                        + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
                try {
                    FileHandle handle = files.open(temp, OpenMode.CREATE_NEW);
                    return new StagedFile(files, fsync, photoId, target, location, undoLock, temp, handle);
                } catch (FileAlreadyExistsException taken) {
                    if (attempt == CREATE_ATTEMPTS) {
                        throw taken;
                    }
                }
            }
        } catch (IOException e) {
            throw new BlobIOException(photoId, "creating a temporary file for", target, e);
        }
    }

    /** Appends {@code length} bytes; on an {@link IOException} some prefix of them may be in the temporary file. */
    void write(byte[] bytes, int offset, int length) throws IOException {
        handle.writeFully(ByteBuffer.wrap(bytes, offset, length), size);
        digest.update(bytes, offset, length);
        size += length;
    }

    Path target() {
        return target;
    }

    @Override
    public Path path() {
        return temp;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String sha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the platform's SHA-256 cannot be cloned", e);
        }
    }

    /**
     * Forces the temporary file (fsync on), renames it over the target and forces the target's
     * folder (fsync on); returns the location once all of that succeeded. {@link BlobIOException}
     * naming the failed step, the temporary file and the target otherwise: then the file is not
     * committed, and {@link #close} deletes the temporary file if it is still there.
     *
     * <p>For an original, a failed folder force takes the rename back when no original was at the
     * target before, so that "not stored" is also what this process sees: no job is produced for
     * it, and an unreferenced original that a power loss may take is worth nothing. With one there
     * before (an overlapping upload with the same idempotency key, whose job may be on its way) the
     * new, complete file stays. The check, the rename and the undo hold one lock of the store, so
     * that two commits of one id in this process cannot undo each other's original.
     */
    @Override
    public String commit() {
        if (closed) {
            throw new IllegalStateException("the staged file " + temp + " of photo " + photoId + " was closed");
        }
        if (committed) {
            return location;
        }
        try {
            if (fsync) {
                handle.force(true);
            }
            handle.close();
        } catch (IOException e) {
            throw new BlobIOException(photoId, "forcing the staged file " + temp + " of", target, e);
        }
        if (undoLock == null) {
            rename();
            forceFolder(false);
        } else {
            synchronized (undoLock) {
                boolean replacing = files.exists(target);
                rename();
                forceFolder(!replacing);
            }
        }
        committed = true;
        return location;
    }

    private void rename() {
        try {
            files.move(temp, target);
        } catch (IOException e) {
            throw new BlobIOException(photoId, "renaming the staged file " + temp + " onto", target, e);
        }
    }

    private void forceFolder(boolean undoRenameOnFailure) {
        if (!fsync) {
            return;
        }
        try {
            files.forceDirectory(target.getParent());
        } catch (IOException e) {
            if (undoRenameOnFailure) {
                try {
                    files.deleteIfExists(target);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw new BlobIOException(photoId, "forcing the folder of", target, e);
        }
    }

    /**
     * Closes the temporary file and deletes it unless committed; never throws. A temporary file
     * that cannot be deleted is logged and left to {@link BlobStore#deleteAbandonedTemporaryFiles}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            handle.close();
        } catch (IOException e) {
            LOG.warn("closing the staged file {} of photo {} failed: {}", temp, photoId, e.toString());
        }
        if (!committed) {
            try {
                files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("photo {}: the temporary file {} of an unfinished write could not be deleted; the start-up "
                        + "sweep will: {}", photoId, temp, e.toString());
            }
        }
    }
}
