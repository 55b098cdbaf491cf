/**
 * Helpers for backend implementations ({@code inhouse}, {@code kafka}), not for users of the
 * queue: the state checks and rules that every backend must apply the same way, so that a
 * member or a transaction refuses the same misuse with the same message whichever backend runs,
 * and the calls every backend serves the same way on top of its own parts (dead-letter redrive).
 *
 * <p>Applications program against {@link dev.photoqueue.queue.api} only; nothing here is part of
 * that API, and it may change with the backends. This package depends on {@code api}, the JDK and
 * SLF4J (for what backends log alike).
 */
package dev.photoqueue.queue.spi;
