package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.DataDirectoryLockedException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link DataDirectoryLockTest} in a child JVM. {@code hold DIR N}: opens the log, appends
 * N acknowledged records to topic {@code lock}, prints {@code READY <end offset>} and waits to be
 * killed. {@code probe DIR}: prints {@code OPENED} and exits 0 if it can open the log, or
 * {@code LOCKED <message>} and exits 3 if the directory is locked.
 */
public final class LockHolderMain {

    static final int LOCKED_EXIT = 3;

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("probe")) {
            try {
                LogManager.open(dir).close();
                System.out.println("OPENED");
            } catch (DataDirectoryLockedException e) {
                System.out.println("LOCKED " + e.getMessage());
                System.out.flush();
                System.exit(LOCKED_EXIT);
            }
            return;
        }
        int count = Integer.parseInt(args[2]);
        LogManager manager = LogManager.open(dir);
        PartitionLog log = manager.findTopic("lock").orElseGet(() -> manager.createTopic("lock", 1, Map.of()))
                .partition(0);
        for (int i = 0; i < count; i++) {
            log.append(i, null, ("child-" + i).getBytes(StandardCharsets.UTF_8), List.of()).get();
        }
        System.out.println("READY " + log.endOffset());
        System.out.flush();
        // Holds the lock until the parent kills this process with kill -9; ends when the parent is
        // gone (its end of stdin closes), so no child outlives a test run.
        while (System.in.read() >= 0) {
            // wait
        }
    }
}
