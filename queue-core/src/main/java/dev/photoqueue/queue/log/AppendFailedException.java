package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;

/**
 * A batch that did not reach its segment file whole. {@code cutBack} tells whether the file was
 * cut back to its last whole batch afterwards: if so the segment is as it was and may take the
 * next batch; if not, what follows its last batch is unknown and the partition must stop writing.
 */
final class AppendFailedException extends RuntimeException {

    private final StorageException failure;
    private final boolean cutBack;

    AppendFailedException(StorageException failure, boolean cutBack) {
        super(failure.getMessage(), failure);
        this.failure = failure;
        this.cutBack = cutBack;
    }

    StorageException failure() {
        return failure;
    }

    boolean cutBack() {
        return cutBack;
    }
}
