/**
 * The thumbnail worker: consumes {@code photo.uploaded} jobs in the consumer group
 * {@code thumbnailers}, writes image variants to the blob store and publishes the outcome to
 * {@code photo.events}. Depends on the queue API only, so it runs on either backend.
 *
 * <p>Layers, lowest first: {@code job} (messages and the permanent/transient failure types),
 * {@code image} (decoding and variants) and {@code blob} (the file store), and this package on
 * top: {@link dev.photoqueue.worker.WorkerPool} runs N {@code ConsumerLoop}s, each settling every
 * job it takes (ACCEPT after the event is written; REJECT to the dead-letter topic for permanent
 * failures; RELEASE with backoff for transient ones), and {@code PhotoProcessor} makes a job's
 * variants idempotently. {@link dev.photoqueue.worker.WorkerConfig} holds every setting.
 */
package dev.photoqueue.worker;
