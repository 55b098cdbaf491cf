/**
 * The blob store: originals and variant files on the file system, written atomically (temp file
 * in the same folder + atomic rename), paths derived from validated photo ids so that no job can
 * name a file outside the root. Every file operation goes through queue-core's
 * {@link dev.photoqueue.queue.env.FileIO}, so that tests can fail any write, force or rename.
 * Depends on the {@code job} layer for its failure types: a missing or unreadable blob is
 * transient, an invalid id or location or an oversized original permanent.
 */
package dev.photoqueue.worker.blob;
