package dev.photoqueue.worker.index;

/** The checkpoint, or a file it names, does not check out: the index opens empty, to be rebuilt. */
final class DamagedIndexException extends Exception {

    DamagedIndexException(String message) {
        super(message);
    }
}
