/**
 * The thumbnail worker: consumes {@code photo.uploaded} jobs in the consumer group
 * {@code thumbnailers} and writes image variants. Depends on the queue API only.
 * The processing itself arrives with the worker issue; the module builds from the start so the
 * layout of the project is the one DESIGN.md describes.
 */
package dev.photoqueue.worker;
