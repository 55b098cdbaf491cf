package dev.photoqueue.upload.config;

/** Which queue backend the app runs on. */
public enum QueueBackendKind {
    /** The embedded in-house log under {@code DATA_DIR}; needs no other process. */
    INHOUSE,
    /** An Apache Kafka cluster at {@code KAFKA_BOOTSTRAP_SERVERS}. */
    KAFKA;

    /** The name {@code QueueBackends.open} knows the backend by. */
    public String backendName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
