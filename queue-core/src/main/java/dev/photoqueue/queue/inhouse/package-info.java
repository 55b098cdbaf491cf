/**
 * The in-house backend: the queue API implemented over the embedded log
 * ({@link dev.photoqueue.queue.log}). Registered as the service {@code inhouse}; the application
 * gets it through {@link dev.photoqueue.queue.api.QueueBackends#open} and never names these classes.
 */
package dev.photoqueue.queue.inhouse;
