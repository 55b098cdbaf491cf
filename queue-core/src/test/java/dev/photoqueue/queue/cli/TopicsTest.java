package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

class TopicsTest {

    @TempDir
    Path dir;

    @Test
    void theUploadApisDataDirIsNoQueueButPointsToItsQueueSubdirectory() {
        // The upload API's DATA_DIR: its queue lives in queue/, beside the blob store.
        Path appData = dir.resolve("app");
        String queue = appData.resolve("queue").toString();
        assertEquals(0, pqWithInput("a\n", "produce", "--data-dir", queue, "--topic", "alpha").exit());
        assertTrue(appData.resolve("blobs").toFile().mkdirs());

        for (List<String> command : List.of(List.of("topics"), List.of("groups"),
                List.of("dump", "--topic", "alpha"), List.of("produce", "--topic", "beta"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--data-dir", appData.toString()));
            PqRun.Result r = pqWithInput("b\n", args.toArray(String[]::new));
            assertEquals(1, r.exit(), r.toString());
            assertEquals("pq: " + appData.toAbsolutePath() + " holds no queue, but its subdirectory queue does (the upload "
                    + "API's DATA_DIR keeps its queue there): give --data-dir " + Path.of(queue).toAbsolutePath() + "\n",
                    r.err(), r.toString());
        }
        assertEquals(List.of("blobs", "queue"), Arrays.stream(appData.toFile().list()).sorted().toList(),
                "nothing was written beside them");
    }

    @Test
    void topicsListsEveryPartitionWithStartEndRecordsAndBytesOnDisk() throws IOException {
        String dataDir = dir.resolve("queue").toString();
        assertEquals(0, pqWithInput("a\nb\nc\n", "produce", "--data-dir", dataDir, "--topic", "alpha").exit());
        assertEquals(0, pqWithInput("k1\t1\nk2\t2\nk3\t3\nk4\t4\n", "produce", "--data-dir", dataDir, "--topic", "beta",
                "--partitions", "2", "--keyed").exit());

        PqRun.Result r = pq("topics", "--data-dir", dataDir);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals(4, lines.size(), r.toString());
        assertEquals(List.of("TOPIC", "PARTITION", "START", "END", "RECORDS", "BYTES"), cells(lines.get(0)));
        assertEquals(List.of("alpha", "0", "0", "3", "3", Long.toString(segmentSize(dataDir, "alpha", 0))),
                cells(lines.get(1)));
        long betaRecords = 0;
        for (int p = 0; p < 2; p++) {
            List<String> row = cells(lines.get(2 + p));
            assertEquals(List.of("beta", Integer.toString(p), "0"), row.subList(0, 3));
            assertEquals(row.get(3), row.get(4), "records = end - start");
            assertEquals(Long.toString(segmentSize(dataDir, "beta", p)), row.get(5));
            betaRecords += Long.parseLong(row.get(4));
        }
        assertEquals(4, betaRecords);
        assertEquals(lines.get(0).indexOf("PARTITION"), lines.get(1).indexOf(" 0 ") + 1, "columns line up");
    }

    @Test
    void topicsOfAnEmptyOrMissingDirectory() throws IOException {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        PqRun.Result noTopics = pq("topics", "--data-dir", empty.toString());
        assertEquals(0, noTopics.exit(), noTopics.toString());
        assertEquals("", noTopics.out());
        assertEquals(List.of("no topics in " + empty), noTopics.errLines());

        PqRun.Result none = pq("topics", "--data-dir", dir.resolve("missing").toString());
        assertEquals(List.of("pq: data directory " + dir.resolve("missing") + " does not exist"), none.errLines());
        assertEquals(1, none.exit());
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void topicsOfADataDirectoryThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("queue.txt"), "not a queue");
        PqRun.Result r = pq("topics", "--data-dir", file.toString());
        assertEquals(List.of("pq: data directory " + file + " is a file, not a directory"), r.errLines());
        assertEquals(1, r.exit());
        assertEquals("not a queue", Files.readString(file), "the file is left as it was");

        PqRun.Result produce = PqRun.pqWithInput("a\n", "produce", "--topic", "t", "--data-dir", file.toString());
        assertEquals(List.of("pq: data directory " + file + " is a file, not a directory"), produce.errLines());
        assertEquals(1, produce.exit());
        assertEquals("not a queue", Files.readString(file), "the file is left as it was");
    }

    private static List<String> cells(String line) {
        return List.of(line.trim().split("\\s+"));
    }

    private static long segmentSize(String dataDir, String topic, int partition) throws IOException {
        return Files.size(Path.of(dataDir, topic, Integer.toString(partition), "00000000000000000000.log"));
    }
}
