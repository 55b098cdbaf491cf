/**
 * The queue's environment: the file system, time and background threads, each behind a narrow
 * seam, in the manner of RocksDB's {@code Env}. Production code uses {@link
 * dev.photoqueue.queue.env.Env#system()}: the real files through {@link java.nio.channels.FileChannel},
 * the system clocks and one daemon thread per {@link dev.photoqueue.queue.env.TaskScheduler}.
 * Tests substitute their own: a {@link dev.photoqueue.queue.env.FileIO} that fails a chosen
 * write or force, or an in-memory file system that loses what was not forced when the simulated
 * power goes; a virtual clock and scheduler that make a simulation replay exactly from its seed.
 *
 * <p>Every durable write of the in-house log (segments, recovery points, topic settings, the
 * clean-shutdown marker, the data-directory lock) and of the worker's blob store goes through
 * {@link dev.photoqueue.queue.env.FileIO}. The memory-mapped offset and time indexes are mapped
 * through it too but stay outside the fault model: they are caches that recovery rebuilds from
 * the log.
 *
 * <p>This package depends on nothing else in the project; every layer may use it.
 */
package dev.photoqueue.queue.env;
