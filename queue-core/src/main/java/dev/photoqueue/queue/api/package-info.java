/**
 * The queue API: what the upload API and the workers program against, whichever backend runs.
 *
 * <p>The vocabulary is Kafka's. A <em>topic</em> is split into <em>partitions</em>; each partition
 * is an append-only sequence of <em>records</em> numbered by <em>offset</em>. A record has an
 * optional key, a value, a timestamp and headers. Records with a key go to the partition
 * {@link dev.photoqueue.queue.api.Partitioners#forKey} picks, the same on every backend, so order
 * per key survives a change of backend.
 *
 * <p>A backend is chosen by configuration through {@link dev.photoqueue.queue.api.QueueBackends}
 * and implements the SPI {@link dev.photoqueue.queue.api.QueueBackendProvider}. Errors are
 * {@link dev.photoqueue.queue.api.QueueException} subclasses whose messages carry the offending
 * topic, partition, offset, size or file.
 *
 * <p>This package depends on nothing but the JDK.
 */
package dev.photoqueue.queue.api;
