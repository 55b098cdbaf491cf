/**
 * The job and event messages of the thumbnail worker and the vocabulary of job failures. The
 * lowest layer of the worker: it depends on Jackson only, and the {@code image}, {@code blob} and
 * top-level packages build on it.
 *
 * <p>Every failure of a job is a {@link dev.photoqueue.worker.job.PhotoJobException}, either
 * {@link dev.photoqueue.worker.job.PermanentJobException} (rejected to the dead-letter topic at
 * once) or {@link dev.photoqueue.worker.job.TransientJobException} (released, retried with backoff,
 * dead-lettered by the queue after {@code maxDeliveries}).
 */
package dev.photoqueue.worker.job;
