package dev.photoqueue.worker;

import java.util.List;

/** A worker was named that does not run in this pool. */
public final class UnknownWorkerException extends IllegalArgumentException {

    public UnknownWorkerException(String workerId, List<String> running) {
        super("no running worker " + workerId + "; running: " + running);
    }
}
