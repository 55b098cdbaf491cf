/**
 * The Kafka backend: the queue API over kafka-clients 4.x, selected with {@code backend=kafka}
 * and {@code kafka.bootstrap.servers} (environment: {@code QUEUE_BACKEND=kafka},
 * {@code KAFKA_BOOTSTRAP_SERVERS}).
 *
 * <p>Mapping. Producers are Kafka producers with {@code acks=all} and idempotence; keyed records go
 * to the partition {@link dev.photoqueue.queue.api.Partitioners#forKey} picks, which is Kafka's
 * own. Manually assigned consumers are group-less Kafka consumers. ORDERED group members are
 * Kafka consumers of the consumer group protocol (KIP-848) with auto-commit off: the queue's
 * per-record acks are kept by {@code KafkaGroupConsumer} and committed as the first record not yet
 * done, with the acked records above it and the delivery counts in the commit's metadata, so both
 * live in Kafka's own replicated, compacted {@code __consumer_offsets} topic and survive any
 * consumer crash; acks are committed in batches at most every 100 ms. The backend checks in the
 * background that its cluster answers ({@code KafkaHealthMonitor}, reported by
 * {@link dev.photoqueue.queue.api.QueueBackend#health}). SHARED group members are share groups
 * (KIP-932): {@code KafkaShareGroupConsumer} holds a few {@code KafkaShareConsumer}s in explicit acknowledgement mode ("lanes", since Kafka
 * refuses to poll one while records of its last poll are unacknowledged), acknowledges each record
 * synchronously through the lane that received it, and takes delivery counts from the broker,
 * which keeps them in its share-group state; the group's lock duration, delivery count limit,
 * lock limit, offset reset and isolation level are set as group configs
 * ({@code ShareGroupSettings}). A group id is one Kafka group type at a time:
 * {@code KafkaGroupTypes} refuses a member of the other mode while the group has members and
 * converts an empty group. Dead letters go to {@code <topic>.dlq} with the headers of
 * {@link dev.photoqueue.queue.api.DeadLetters}; redrive marks them in the internal group
 * {@code __redrive}.
 *
 * <p>Differences from the in-house log: no back pressure from consumer lag ({@code max.backlog.*}
 * is refused, {@code trySend} never fails for a full backlog); a member stays alive by polling
 * (Kafka's {@code max.poll.interval.ms}), not by acking; rebalances take a few broker heartbeats;
 * offsets of a group with live members cannot be reset; in SHARED mode Kafka's floors apply (locks
 * of at least 1 s, at least 100 locked records per partition), a member joins at its first poll,
 * and Kafka's share consumer may lock records ahead of its polls (KAFKA-20015). docs/kafka.md's table
 * of backend differences lists them all.
 */
package dev.photoqueue.queue.kafka;
