/**
 * The benchmark harness whose figures bench/README.md reports: a plain {@code main}, not JMH, so the
 * figures are whole-system throughput through the public queue API, as an application sees it.
 *
 * <p>Run {@code java -jar bench/target/bench.jar <family> [--records N] [--rounds N] [--only a,b]
 * [--dir DIR]}. A family ({@link dev.photoqueue.bench.BenchFamily}) is a set of phases; {@code log}
 * is the in-house log ({@link dev.photoqueue.bench.LogBench}), {@code group} a consumer group on it
 * ({@link dev.photoqueue.bench.GroupBench}). New families (Kafka) register one line in
 * {@link dev.photoqueue.bench.Bench}.
 *
 * <p>Method, the same for every phase:
 * <ul>
 * <li>Thread counts are pinned: the machine has two cores, so each log phase uses one producer or
 *     one consumer thread (the log adds its own writer and flush threads), the group phases one
 *     producer and two member threads, never "all cores".</li>
 * <li>One unmeasured warm-up round (a fifth of a round's records), then {@code --rounds} measured
 *     rounds, each on a fresh data dir, with a {@code System.gc()} before each; setup and deletion
 *     are outside the timed part. The table shows median, min and max; PASS/FAIL judges the median.</li>
 * <li>An append round is timed from the first send until {@code flush()} returns, when every send
 *     is acknowledged; the partition's end offset is then checked against the count sent, so only
 *     acknowledged records count.</li>
 * <li>Absolute numbers depend on the machine, so the disk's own rate ({@code dd} with
 *     {@code conv=fdatasync}) is measured in the same run, just before each append-1k round, and
 *     the ratio is reported per round.</li>
 * <li>Heap limits are proven in a child JVM started with the limit ({@code -Xmx64m}
 *     {@code -XX:+ExitOnOutOfMemoryError}): finishing is the proof, the printed peak the margin.</li>
 * <li>The header prints the JVM, core count, load average (at start and end) and the exact command
 *     line, since other work on the machine moves the figures.</li>
 * </ul>
 *
 * <p>All data lives in one temp dir made under {@code --dir} (default {@code ./target} when it
 * exists, else {@code java.io.tmpdir}) and is deleted at the end, also on Ctrl-C.
 */
package dev.photoqueue.bench;
