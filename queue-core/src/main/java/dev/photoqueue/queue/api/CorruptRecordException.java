package dev.photoqueue.queue.api;

/**
 * Stored bytes failed their check (CRC32C, length or offset sequence). The reader never turns such
 * bytes into records; the message names the file, the byte position and the offset expected there.
 */
public final class CorruptRecordException extends QueueException {

    private final String file;
    private final long position;
    private final long offset;

    public CorruptRecordException(String file, long position, long offset, String reason) {
        super("corrupt record batch in " + file + " at byte " + position + " (offset " + offset + "): " + reason);
        this.file = file;
        this.position = position;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    public long position() {
        return position;
    }

    public long offset() {
        return offset;
    }
}
