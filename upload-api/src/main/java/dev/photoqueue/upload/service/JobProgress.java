package dev.photoqueue.upload.service;

/** Whether the thumbnail workers are working on a job now. Thread-safe implementations only. */
@FunctionalInterface
public interface JobProgress {

    /** True when the job at this offset of {@code photo.uploaded} is first in line on a partition a worker owns. */
    boolean inProgress(int partition, long offset);
}
