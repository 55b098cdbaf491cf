/**
 * The upload API's meters for Prometheus ({@code GET /metrics}) that are read from the queue
 * rather than taken in a request: what the events of {@code photo.events} and the dead letters
 * tell ({@link dev.photoqueue.upload.metrics.EventMeters}), consumer lag and dead-letter depth
 * ({@link dev.photoqueue.upload.metrics.QueueGauges}) and the in-house log's write and force times
 * ({@link dev.photoqueue.upload.metrics.LogTimers}). The list of every meter, with its labels and
 * meaning, is {@code docs/metrics.md}. Depends on the queue API and the worker's public classes.
 */
package dev.photoqueue.upload.metrics;
