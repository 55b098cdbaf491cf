package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** File names of the log and the write-temp-then-rename rule every metadata file follows. */
final class LogFiles {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String TEMP_SUFFIX = ".tmp";
    static final String RECOVERY_POINT = "recovery-point";
    static final String TOPIC_PROPERTIES = "topic.properties";
    static final String LOCK_FILE = ".lock";
    static final String CLEAN_SHUTDOWN = ".clean-shutdown";

    private LogFiles() {
    }

    /** The 20-digit, zero-padded base offset that names a segment's files, so they sort by offset. */
    static String segmentName(long baseOffset) {
        return String.format("%020d", baseOffset);
    }

    /** The base offset a segment file name encodes, or -1 when the name is not a segment's. */
    static long parseBaseOffset(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return -1;
        }
        String digits = fileName.substring(0, fileName.length() - suffix.length());
        if (digits.length() != 20) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Replaces {@code target} with {@code content} so that a crash leaves either the old or the new
     * file, never a mix: write a temp file, force it, rename over the target, force the directory.
     * When this returns the new content is durable; when it throws, the old one may still be there.
     */
    static void writeAtomically(FileIO io, Path target, String content) {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try {
            try (FileHandle file = io.open(temp, OpenMode.TRUNCATE)) {
                file.writeFully(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
                file.force(true);
            }
            io.move(temp, target);
            io.forceDirectory(target.getParent());
        } catch (IOException e) {
            throw new StorageException(target.toString(), "write", e);
        }
    }

    /** Makes a rename, a new file or a deletion in {@code dir} survive a power loss. */
    static void forceDirectory(FileIO io, Path dir) {
        try {
            io.forceDirectory(dir);
        } catch (IOException e) {
            throw new StorageException(dir.toString(), "force directory", e);
        }
    }
}
