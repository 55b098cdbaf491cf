/**
 * The upload API and live dashboard. {@link dev.photoqueue.upload.App} only wires the layers:
 * {@code config} (typed settings from the environment), {@code service} (what the API does:
 * uploads, the status view built from the queue, the queue's shape, dead letters, embedded
 * workers, settings, replay, the autoscaler), {@code metrics} (meters read from the queue: outcomes,
 * lag, dead letters, the log's times) and {@code http} (controllers that do HTTP only, the error
 * mapping, the admin guard, Server-Sent Events, request timing). A lower layer never imports a higher one;
 * the queue is reached through {@code dev.photoqueue.queue.api} only.
 */
package dev.photoqueue.upload;
