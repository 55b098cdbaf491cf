package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicConfigs;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

class ProduceConsumeTest {

    @TempDir
    Path dir;

    private String dataDir() {
        return dir.resolve("queue").toString();
    }

    @Test
    void producedLinesComeBackInOrderFromConsumeFromBeginning() {
        String input = "one\ntwo\r\n\ngrüße ✓\nlast without newline";
        PqRun.Result produced = pqWithInput(input, "produce", "--data-dir", dataDir(), "--topic", "lines");
        assertEquals(0, produced.exit(), produced.toString());
        assertEquals("", produced.out(), "produce prints nothing on stdout");
        assertEquals(List.of("created topic lines with 1 partition", "produced 5 records to lines"),
                produced.errLines());

        PqRun.Result consumed = pq("consume", "--data-dir", dataDir(), "--topic", "lines", "--from-beginning");
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals("one\ntwo\n\ngrüße ✓\nlast without newline\n", consumed.out());
        assertEquals(List.of("consumed 5 records from lines"), consumed.errLines());
    }

    @Test
    void keyedRecordsLandOnThePartitionTheKeyHashPicksAndKeepPerKeyOrder() {
        StringBuilder input = new StringBuilder();
        Map<String, List<String>> sentByKey = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "photo-" + (i % 12);
            String value = "v" + i + "\twith a tab";
            input.append(key).append('\t').append(value).append('\n');
            sentByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        PqRun.Result produced = pqWithInput(input.toString(), "produce", "--data-dir", dataDir(), "--topic", "photos",
                "--partitions", "4", "--keyed");
        assertEquals(0, produced.exit(), produced.toString());

        List<ConsumerRecord> records = PqRun.readAll(Path.of(dataDir()), "photos");
        assertEquals(60, records.size());
        Map<String, List<String>> readByKey = new LinkedHashMap<>();
        java.util.Set<Integer> partitionsUsed = new java.util.TreeSet<>();
        for (ConsumerRecord r : records) {
            byte[] key = r.key();
            assertEquals(Partitioners.forKey(key, 4), r.partition(), "partition of key " + r.keyAsString());
            // the reference: Kafka's own default partitioner for keyed records
            assertEquals(Utils.toPositive(Utils.murmur2(key)) % 4, r.partition());
            readByKey.computeIfAbsent(r.keyAsString(), k -> new ArrayList<>()).add(r.valueAsString());
            partitionsUsed.add(r.partition());
        }
        assertEquals(sentByKey, readByKey, "every key's values, in the order sent");
        assertTrue(partitionsUsed.size() > 1, "12 keys should spread over several of 4 partitions");

        PqRun.Result consumed = pq("consume", "--data-dir", dataDir(), "--topic", "photos", "--from-beginning");
        assertEquals(0, consumed.exit(), consumed.toString());
        List<String> printed = new ArrayList<>(consumed.outLines());
        List<String> expected = new ArrayList<>(sentByKey.values().stream().flatMap(List::stream).toList());
        printed.sort(null);
        expected.sort(null);
        assertEquals(expected, printed, "consume prints the values of all partitions");
    }

    @Test
    void consumeMaxStopsAfterThatManyRecordsWithoutWaitingForTheTimeout() {
        pqWithInput("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "produce", "--data-dir", dataDir(), "--topic", "n");
        long start = System.nanoTime();
        PqRun.Result consumed = pq("consume", "--data-dir", dataDir(), "--topic", "n", "--from-beginning",
                "--max", "3", "--timeout-ms", "60000");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals("1\n2\n3\n", consumed.out());
        assertTrue(elapsedMs < 30_000, "returned after " + elapsedMs + " ms instead of at the third record");
    }

    @Test
    void theLargestTimeoutIsAWaitWithoutEndNotAnOverflow() {
        pqWithInput("1\n2\n", "produce", "--data-dir", dataDir(), "--topic", "n");
        String forever = Long.toString(Long.MAX_VALUE);
        for (List<String> group : List.of(List.<String>of(), List.of("--group", "g"))) {
            List<String> args = new ArrayList<>(List.of("consume", "--data-dir", dataDir(), "--topic", "n",
                    "--from-beginning", "--max", "2", "--timeout-ms", forever));
            args.addAll(group);
            PqRun.Result r = pq(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            assertEquals("1\n2\n", r.out(), r.toString());
        }
    }

    @Test
    void consumeWithoutFromBeginningStartsAtTheEndAndStopsAfterTheIdleTimeout() {
        pqWithInput("old-1\nold-2\n", "produce", "--data-dir", dataDir(), "--topic", "t");
        long start = System.nanoTime();
        PqRun.Result consumed = pq("consume", "--data-dir", dataDir(), "--topic", "t", "--timeout-ms", "300");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals("", consumed.out());
        assertEquals(List.of("consumed 0 records from t"), consumed.errLines());
        assertTrue(elapsedMs >= 300, "waited only " + elapsedMs + " ms for new records");
    }

    @Test
    void produceAppendsToAnExistingTopicAndAMismatchedPartitionCountIsRefused() {
        assertEquals(0, pqWithInput("a\n", "produce", "--data-dir", dataDir(), "--topic", "t", "--partitions", "3").exit());
        PqRun.Result again = pqWithInput("b\n", "produce", "--data-dir", dataDir(), "--topic", "t");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(List.of("produced 1 record to t"), again.errLines(), "no 'created' line the second time");

        PqRun.Result mismatch = pqWithInput("c\n", "produce", "--data-dir", dataDir(), "--topic", "t", "--partitions", "2");
        assertEquals(2, mismatch.exit(), mismatch.toString());
        assertEquals(List.of("pq: topic \"t\" exists with 3 partitions, not 2 as --partitions says; "
                + "leave --partitions out to use it"), mismatch.errLines());
        assertEquals(List.of("a", "b"), values(PqRun.readAll(Path.of(dataDir()), "t")).stream().sorted().toList());
    }

    @Test
    void keyedLineWithoutTabStopsProduceAndKeepsTheLinesBeforeIt() {
        PqRun.Result produced = pqWithInput("k1\tv1\nk2\tv2\nno tab here\nk3\tv3\n", "produce", "--data-dir", dataDir(),
                "--topic", "t", "--keyed");
        assertEquals(2, produced.exit(), produced.toString());
        assertEquals("pq: line 3 has no TAB between key and value (--keyed expects KEY<TAB>VALUE); "
                + "2 records before it were written to t", produced.errLines().get(produced.errLines().size() - 1));
        assertEquals("", produced.out());
        // the queue was closed cleanly although the command failed
        assertTrue(Files.exists(Path.of(dataDir(), ".clean-shutdown")));
        assertEquals(List.of("v1", "v2"), values(PqRun.readAll(Path.of(dataDir()), "t")));
    }

    @Test
    void recordTooLargeForTheTopicFailsWithTheLineNumberAndWhatWasWritten() {
        try (QueueBackend backend = PqRun.openBackend(Path.of(dataDir()))) {
            backend.admin().createTopic(new NewTopic("small", 1)
                    .withConfigs(Map.of(TopicConfigs.MAX_RECORD_BYTES, "1000")));
        }
        String tooBigForARecord = "x".repeat(990) + "\n";
        PqRun.Result produced = pqWithInput("fits\n" + tooBigForARecord + "never sent\n", "produce", "--data-dir",
                dataDir(), "--topic", "small");
        assertEquals(1, produced.exit(), produced.toString());
        assertEquals(1, produced.errLines().size(), produced.toString());
        String error = produced.errLines().get(0);
        assertTrue(error.startsWith("pq: line 2 was not written: record of 1018 bytes is larger than the maximum "
                + "of 1000 bytes"), error);
        assertTrue(error.endsWith("(1 of 2 records sent written to small)"), error);

        String longerThanAnyRecord = "y".repeat(5000) + "\n";
        PqRun.Result tooLong = pqWithInput("fits too\n" + longerThanAnyRecord, "produce", "--data-dir", dataDir(),
                "--topic", "small");
        assertEquals(1, tooLong.exit(), tooLong.toString());
        assertEquals(List.of("pq: line 2 is longer than 1000 bytes, the most a record of small may take "
                + "(max.record.bytes); 1 record before it was written to small"), tooLong.errLines());
        assertEquals(List.of("fits", "fits too"), values(PqRun.readAll(Path.of(dataDir()), "small")));
    }

    @Test
    void consumeOfAMissingTopicOrDirectoryFailsWithoutCreatingEither() {
        pqWithInput("a\n", "produce", "--data-dir", dataDir(), "--topic", "t");
        PqRun.Result missingTopic = pq("consume", "--data-dir", dataDir(), "--topic", "nope", "--from-beginning");
        assertEquals(1, missingTopic.exit(), missingTopic.toString());
        assertEquals(List.of("pq: unknown topic \"nope\" in data directory " + dataDir()), missingTopic.errLines());
        assertFalse(Files.exists(Path.of(dataDir(), "nope")), "consume must not create the topic");

        Path typo = dir.resolve("typo");
        PqRun.Result missingDir = pq("consume", "--data-dir", typo.toString(), "--topic", "t");
        assertEquals(1, missingDir.exit());
        assertEquals(List.of("pq: data directory " + typo + " does not exist"), missingDir.errLines());
        assertFalse(Files.exists(typo));
    }

    private static List<String> values(List<ConsumerRecord> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
