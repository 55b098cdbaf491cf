/**
 * Helpers for backend implementations ({@code inhouse}, {@code kafka}), not for users of the
 * queue: the state checks and rules that every backend must apply the same way, so that a
 * member or a transaction refuses the same misuse with the same message whichever backend runs.
 *
 * <p>Applications program against {@link dev.photoqueue.queue.api} only; nothing here is part of
 * that API, and it may change with the backends. This package depends on {@code api} and the JDK.
 */
package dev.photoqueue.queue.spi;
