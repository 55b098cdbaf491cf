package dev.photoqueue.queue.cli;

/** The help text, in one place so that {@code help}, {@code --help} and every usage error show the same. */
final class Usage {

    static final String TEXT = """
            usage: pq <command> [--data-dir DIR | --bootstrap-server HOST:PORT] [options]

            Works on the in-house queue in DIR (default data/queue), like Kafka's console tools,
            or with --bootstrap-server on a Kafka cluster (every command but dump).

            commands:
              produce --topic T [--partitions N] [--keyed]
                  Appends one record per line of standard input (a trailing \\r is dropped; the
                  bytes are stored as they are, UTF-8 expected). An empty line is an empty record.
                  With --keyed a line is KEY<TAB>VALUE and the key picks the partition, as in Kafka.
                  Creates T with N partitions (default 1) if missing; if T exists, an explicit
                  --partitions must match it. Returns once every record is acknowledged. Prints
                  nothing on stdout, a summary on stderr. Stops at the first bad line; the lines
                  before it are kept.
              consume --topic T [--group G [--mode ordered|shared] [--no-ack]] [--from-beginning]
                      [--max N] [--timeout-ms M]
                  Prints the values of T's records, one per line, from every partition. Stops
                  after N records or when no record arrived for M ms (default 1000). A record
                  without a value prints as an empty line. A count goes to stderr.
                  Without --group: starts at the end (only new records) unless --from-beginning,
                  and remembers nothing. With --group: joins consumer group G, acks each record
                  once printed and leaves the group on exit, so the next run with G continues
                  where this one stopped; --from-beginning only matters where G has no committed
                  offset yet (a new group starts at the end without it). With --no-ack nothing
                  is acked, as if pq had crashed: each run is one more delivery of the same
                  records; after 5 such runs they go to T.dlq and the next run gets the records
                  behind them.
                  --mode picks G's consumption mode (needs --group): ordered (default) owns
                  partitions and prints each in offset order; shared locks records one by one,
                  in no set order. G may change mode between runs. In shared mode a record taken
                  but not acked (--no-ack) stays locked only while pq runs: on exit it is
                  unlocked at once, so the next run prints it again (delivery count + 1), and
                  after 5 runs it goes to T.dlq, as in ordered mode.
              dump --topic T [--partition P]
                  Lists every stored record of T (or of partition P): partition, offset,
                  timestamp (UTC), key (quoted, or null) and value size in bytes (or null), and
                  checks every batch's CRC. Only reads files: works while another process owns
                  DIR. Exit status 1 when a batch is corrupt, naming file, byte and offset.
              topics
                  Lists every partition of every topic with start offset, end offset, record
                  count and bytes on disk.
              groups
                  Lists every consumer group with its member count and total lag.
              describe-group G
                  Lists the members of group G (member id, client id, partitions) and, per
                  partition, the committed offset (the first record not yet acked), the end
                  offset, the lag between them and the owning member. Exit status 1 if G is
                  unknown.
              reset-offsets --group G --topic T
                            (--to-earliest | --to-latest | --to-offset N | --to-datetime TIME)
                  Moves group G's committed offset on every partition of T: to the first
                  stored record, to the end, to offset N (kept within start and end), or to the
                  first record with a timestamp at or after TIME, an ISO-8601 date and time with
                  zone offset (2026-11-28T10:00:00Z, 2026-11-28T11:00:00+01:00). Prints the new
                  offset per partition. The next consume --group G reads from there. Creates G
                  if it does not exist.
              dlq list --topic T
                  Lists the dead letters of T (records a group rejected or gave up on after 5
                  deliveries, kept in T.dlq) not yet redriven: dlq offset, original topic,
                  partition and offset, delivery count, when (UTC) and the last error.
              dlq redrive --topic T (--all | --offset P:O)
                  Sends every dead letter of T (or the one from partition P, offset O) back to
                  its original partition as a new record, with a fresh delivery count. Each
                  dead letter is redriven once.
              help
                  Prints this text.

            Every command but dump and help opens the queue, so no other process may own DIR then.

            exit status: 0 done, 1 queue error or corrupt data, 2 bad command line
            """;

    private Usage() {
    }
}
