package dev.photoqueue.queue.api;

/** Where an acknowledged send landed: its partition, offset and stored timestamp. */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
