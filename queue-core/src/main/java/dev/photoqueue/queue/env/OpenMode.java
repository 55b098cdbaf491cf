package dev.photoqueue.queue.env;

/** How {@link FileIO#open} opens a file. */
public enum OpenMode {
    /** Read only; the file must exist. */
    READ,
    /** Read and write; created empty when absent, kept as it is otherwise. */
    READ_WRITE,
    /** Read and write a new, empty file; fails with {@link java.nio.file.FileAlreadyExistsException} if one exists. */
    CREATE_NEW,
    /** Write from empty: created when absent, cut to 0 bytes otherwise. */
    TRUNCATE
}
