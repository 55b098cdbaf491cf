package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.QueueBackend;

import java.nio.file.Path;

/**
 * Run by {@link RedriveCrashTest} in a child JVM: redrives every dead letter of {@value #DLQ} as
 * fast as it can and dies at once ({@code Runtime.halt}, exit {@value #HALT_STATUS}) when the
 * redrive reaches the dead letter at offset HALT_AT, as a kill -9 mid-redrive would: the ones
 * before it have been handed to the redrive, no catch block or shutdown hook runs.
 *
 * <p>Arguments: {@code DATA_DIR HALT_AT}.
 */
public final class RedriveCrashChildMain {

    static final String TOPIC = "jobs";
    static final String DLQ = TOPIC + ".dlq";
    static final int HALT_STATUS = 77;

    private RedriveCrashChildMain() {
    }

    public static void main(String[] args) {
        long haltAt = Long.parseLong(args[1]);
        try (QueueBackend backend = InhouseTestSupport.open(Path.of(args[0]), "auto.create.topics", "false")) {
            backend.admin().redriveAll(DLQ, r -> {
                if (r.offset() == haltAt) {
                    Runtime.getRuntime().halt(HALT_STATUS);
                }
                return true;
            }, 1_000_000);
        }
        System.exit(1);
    }
}
