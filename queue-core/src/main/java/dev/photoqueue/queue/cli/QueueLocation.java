package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.StorageException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Where a command finds the queue: the in-house log in {@code --data-dir} (default
 * {@value #DEFAULT_DATA_DIR}) or a Kafka cluster at {@code --bootstrap-server}, not both; opened
 * through the public backend factory, like any application. A picocli mixin of every command that
 * reads or writes the queue, and of {@code dlq}, whose commands take it from there too
 * ({@code pq dlq --data-dir D list}).
 */
final class QueueLocation {

    /** Where the queue lives when {@code --data-dir} is not given (the in-house backend's default too). */
    static final String DEFAULT_DATA_DIR = "data/queue";

    /** The file a queue's owner locks, present in every directory that was ever opened as a queue. */
    private static final String LOCK_FILE = ".lock";
    /** Where the upload API keeps its queue inside its DATA_DIR. */
    private static final String APP_QUEUE_DIR = "queue";

    /** What pq says when both are given. */
    static final String BOTH_GIVEN =
            "give --data-dir (the in-house queue) or --bootstrap-server (a Kafka cluster), not both";

    /** One or the other, or neither; picocli refuses both with a usage error. */
    static final class Choice {
        @Option(names = "--data-dir", paramLabel = "DIR", converter = Converters.NonEmpty.class,
                description = "the in-house queue's data directory (default " + DEFAULT_DATA_DIR + ")")
        String dataDir;

        @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", converter = Converters.BootstrapServers.class,
                description = "work on the Kafka cluster at HOST:PORT instead")
        String bootstrapServer;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "%nThe queue (one of):%n")
    Choice choice;

    /** Whether --data-dir or --bootstrap-server was given. */
    boolean given() {
        return choice != null;
    }

    /** The Kafka cluster to work on ({@code --bootstrap-server}), or null for the in-house queue. */
    String bootstrapServer() {
        return choice == null ? null : choice.bootstrapServer;
    }

    /** The in-house queue's directory, absolute. */
    Path dataDir() {
        String dir = choice == null || choice.dataDir == null ? DEFAULT_DATA_DIR : choice.dataDir;
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** Where the command works, for messages: "data directory D" or "Kafka cluster at H". */
    String where() {
        String bootstrap = bootstrapServer();
        return bootstrap != null ? "Kafka cluster at " + bootstrap : "data directory " + dataDir();
    }

    /** The queue's location alone: the data directory's path, or "Kafka cluster at H". */
    String location() {
        String bootstrap = bootstrapServer();
        return bootstrap != null ? "Kafka cluster at " + bootstrap : dataDir().toString();
    }

    /**
     * Opens the queue: the Kafka cluster, else the in-house log, taking the directory's lock. The
     * directory must exist when {@code mustExist} (reading commands), so that a mistyped path is
     * reported instead of becoming a new, empty queue. Topics are never created behind the user's
     * back: {@code produce} creates its topic explicitly.
     */
    QueueBackend open(boolean mustExist) {
        String bootstrap = bootstrapServer();
        if (bootstrap != null) {
            return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap));
        }
        Path dir = mustExist ? existingDataDir() : notTheAppsDataDir(requireNoFile(dataDir()));
        return QueueBackends.open(Map.of("data.dir", dir.toString(), "auto.create.topics", "false"));
    }

    /** The data directory, which must exist and be no app's DATA_DIR: exit status 1 naming it otherwise. */
    Path existingDataDir() {
        Path dir = requireNoFile(dataDir());
        try {
            Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "data directory " + dir + " does not exist");
        } catch (AccessDeniedException e) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "cannot read data directory " + dir
                    + ": permission denied (on it or a directory above it)");
        } catch (IOException e) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "cannot read data directory " + dir + ": "
                    + StorageException.reason(e));
        }
        return notTheAppsDataDir(dir);
    }

    /**
     * {@code dir}, unless it never held a queue (no lock file) while its subdirectory {@code queue}
     * did: that is the upload API's DATA_DIR, whose queue lives in {@code queue/} beside the blob
     * store. Opening it would find no topics, or create them there, and leave a lock file among the
     * app's directories; exit status 1 naming the directory meant instead.
     */
    private static Path notTheAppsDataDir(Path dir) {
        Path queue = dir.resolve(APP_QUEUE_DIR);
        if (!Files.exists(dir.resolve(LOCK_FILE)) && Files.isRegularFile(queue.resolve(LOCK_FILE))) {
            throw new CommandFailedException(Pq.EXIT_FAILED, dir + " holds no queue, but its subdirectory "
                    + APP_QUEUE_DIR + " does (the upload API's DATA_DIR keeps its queue there): give --data-dir " + queue);
        }
        return dir;
    }

    /** {@code dir}, unless it is a file: no data directory, exit status 1 saying so rather than "does not exist". */
    private static Path requireNoFile(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "data directory " + dir + " is a file, not a directory");
        }
        return dir;
    }
}
