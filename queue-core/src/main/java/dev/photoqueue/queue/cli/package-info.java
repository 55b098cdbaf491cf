/**
 * {@code pq}, the queue's command-line tool: the counterpart of Kafka's console producer, console
 * consumer, {@code kafka-topics --describe}, {@code kafka-consumer-groups} ({@code --list},
 * {@code --describe}, {@code --reset-offsets}) and {@code DumpLogSegments}, for one data directory.
 *
 * <p>The layer above everything else: {@code produce}, {@code consume}, {@code topics} and the group
 * commands go through the public API ({@link dev.photoqueue.queue.api.QueueBackends}) like any
 * application, so they need the directory's lock; {@code dump} reads the files through
 * {@link dev.photoqueue.queue.log.LogInspector} and needs no lock, so it also works beside a running
 * owner and on a directory that will not open.
 *
 * <p>Consumer groups from the shell: since a pq process owns the directory while it runs, a group
 * has members only during a {@code consume --group}, which leaves the group (persisting what it
 * acked) before it exits. {@code describe-group} and {@code reset-offsets} therefore always see a
 * group without members, which is also the only state in which Kafka lets offsets be reset.
 *
 * <p>The command line is picocli's: each command is a class whose annotated fields are its options
 * (typed and checked by {@link dev.photoqueue.queue.cli.Converters}), picocli writes the help of
 * every command and the bash completion script, and {@link dev.photoqueue.queue.cli.UsageErrors}
 * words its parse errors as pq's own.
 *
 * <p>Contract with the shell: data on stdout only (values, dump lines, tables, help), everything for
 * people on stderr (summaries, warnings, one {@code pq: <message>} line per error, never a stack
 * trace). Exit status 0 done, 1 queue error or corrupt data, 2 bad command line; a bad command line
 * is found before the data directory is touched. {@link dev.photoqueue.queue.cli.Pq#run} is the
 * whole tool without {@code System.exit}, which is how the tests drive it.
 */
package dev.photoqueue.queue.cli;
