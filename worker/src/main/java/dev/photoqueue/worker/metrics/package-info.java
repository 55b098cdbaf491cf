/**
 * Meters shared by the worker process and the upload API (Micrometer): what the events of
 * {@code photo.events} tell ({@link dev.photoqueue.worker.metrics.PhotoEventMetrics}) and the
 * JVM's own ({@link dev.photoqueue.worker.metrics.JvmMeters}). Depends on the job records only.
 */
package dev.photoqueue.worker.metrics;
