package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** How the commands reach a data directory: through the public backend factory, like any application. */
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
