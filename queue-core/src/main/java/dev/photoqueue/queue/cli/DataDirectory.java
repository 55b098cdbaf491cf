package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the commands reach the queue: the in-house log in a data directory, or a Kafka cluster with
 * {@code --bootstrap-server}, through the public backend factory, like any application.
 */
final class DataDirectory {

    private DataDirectory() {
    }

    /**
     * Opens the in-house backend on {@code dir}, taking the directory's lock. Topics are never
     * created behind the user's back: {@code produce} creates its topic explicitly.
     */
    static QueueBackend open(Path dir) {
        return QueueBackends.open(Map.of("data.dir", dir.toString(), "auto.create.topics", "false"));
    }

    /**
     * Opens the queue the arguments name: the Kafka cluster of {@code --bootstrap-server}, else the
     * in-house log in {@code --data-dir}, which must exist when {@code mustExist} (reading commands).
     */
    static QueueBackend open(Arguments args, boolean mustExist) {
        String bootstrap = args.bootstrapServer();
        if (bootstrap != null) {
            return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap));
        }
        return open(mustExist ? requireExisting(args.dataDir()) : args.dataDir());
    }

    /**
     * Fails unless {@code dir} exists. Reading commands call it first so that a mistyped path is
     * reported instead of becoming a new, empty queue directory.
     */
    static Path requireExisting(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "data directory " + dir + " does not exist");
        }
        return dir;
    }
}
