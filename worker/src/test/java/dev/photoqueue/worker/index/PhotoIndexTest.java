package dev.photoqueue.worker.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhotoIndexTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Optional<byte[]> value) {
        return value.map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void findsWhatWasPutBeforeAndAfterACheckpointAndAfterReopening() {
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            assertFalse(index.recovered());
            index.put("a", bytes("1"));
            assertEquals("1", text(index.get("a")), "from the memory table");
            index.checkpoint(bytes("positions-1"));
            assertEquals(0, index.pending());
            assertEquals("1", text(index.get("a")), "from the run");
            index.put("a", bytes("2"));
            index.put("b", bytes("3"));
            index.checkpoint(bytes("positions-2"));
            assertEquals(Optional.empty(), index.get("c"));
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertTrue(reopened.recovered());
            assertEquals("positions-2", text(reopened.meta()));
            assertEquals("2", text(reopened.get("a")), "the newest run wins");
            assertEquals("3", text(reopened.get("b")));
        }
    }

    @Test
    void recordsPutAreReadBackWhetherStillInTheWriteBufferWrittenOutOrLargerThanIt() {
        Random random = new Random(3);
        Map<String, byte[]> expected = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            // about three write buffers' worth, then one record larger than the buffer
            for (int i = 0; i < 3 * PhotoIndex.WRITE_BUFFER / 1_000; i++) {
                byte[] value = new byte[500 + random.nextInt(1_000)];
                random.nextBytes(value);
                expected.put("k" + i, value);
                index.put("k" + i, value);
                assertArrayEquals(value, index.get("k" + i).orElseThrow(), "k" + i + " just put");
            }
            byte[] large = new byte[PhotoIndex.WRITE_BUFFER + 1];
            random.nextBytes(large);
            expected.put("large", large);
            index.put("large", large);
            expected.forEach((k, v) -> assertArrayEquals(v, index.get(k).orElseThrow(), k + " before the checkpoint"));
            index.checkpoint(bytes("m"));
            assertEquals(index.dataBytes(), dir.resolve(PhotoIndex.DATA).toFile().length(), "all of it written");
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            expected.forEach((k, v) -> assertArrayEquals(v, reopened.get(k).orElseThrow(), k + " after reopening"));
        }
    }

    @Test
    void whatWasPutAfterTheLastCheckpointIsGoneAfterACrash() throws Exception {
        PhotoIndex index = PhotoIndex.open(dir);
        index.put("a", bytes("1"));
        index.checkpoint(bytes("p1"));
        long published = Files.size(dir.resolve(PhotoIndex.DATA));
        index.put("a", bytes("2"));
        index.put("b", bytes("3"));
        // no checkpoint, no close: as after kill -9
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertEquals("p1", text(reopened.meta()));
            assertEquals("1", text(reopened.get("a")));
            assertEquals(Optional.empty(), reopened.get("b"));
            assertEquals(published, Files.size(dir.resolve(PhotoIndex.DATA)), "the unpublished tail is cut");
        }
        index.close();
    }

    @Test
    void aDamagedCheckpointOrAMissingRunOpensAnEmptyIndex() throws Exception {
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            index.put("a", bytes("1"));
            index.checkpoint(bytes("p1"));
        }
        byte[] checkpoint = Files.readAllBytes(dir.resolve(PhotoIndex.CHECKPOINT));
        checkpoint[10] ^= 0x55;
        Files.write(dir.resolve(PhotoIndex.CHECKPOINT), checkpoint);
        try (PhotoIndex damaged = PhotoIndex.open(dir)) {
            assertFalse(damaged.recovered());
            assertEquals(Optional.empty(), damaged.meta());
            assertEquals(Optional.empty(), damaged.get("a"));
            damaged.put("b", bytes("2"));
            damaged.checkpoint(bytes("p2"));
        }
        try (Stream<Path> runs = Files.list(dir).filter(p -> p.getFileName().toString().startsWith("run-"))) {
            for (Path run : runs.toList()) {
                Files.delete(run);
            }
        }
        try (PhotoIndex missingRun = PhotoIndex.open(dir)) {
            assertFalse(missingRun.recovered());
            assertEquals(Optional.empty(), missingRun.get("b"));
        }
    }

    @Test
    void manyCheckpointsMergeIntoFewRunsAndAgreeWithAMapOfTheNewestValues() throws Exception {
        Random random = new Random(42);
        Map<String, String> model = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (int round = 0; round < 3 * PhotoIndex.MAX_RUNS; round++) {
                for (int i = 0; i < 200; i++) {
                    String key = "photo-" + random.nextInt(1_000);
                    String value = key + "@" + round + "." + i;
                    index.put(key, bytes(value));
                    model.put(key, value);
                }
                index.checkpoint(bytes("round " + round));
            }
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertEquals(e.getValue(), text(index.get(e.getKey())), e.getKey());
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            long runs = files.filter(p -> p.getFileName().toString().startsWith("run-")).count();
            assertTrue(runs <= PhotoIndex.MAX_RUNS, runs + " run files");
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertEquals(e.getValue(), text(reopened.get(e.getKey())), e.getKey());
            }
            assertEquals(Optional.empty(), reopened.get("photo-1000"));
        }
    }

    @Test
    void clearForgetsEverythingDurably() {
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            index.put("a", bytes("1"));
            index.checkpoint(bytes("p1"));
            index.clear();
            assertEquals(Optional.empty(), index.get("a"));
            assertEquals(0, index.dataBytes());
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertFalse(reopened.recovered());
            assertEquals(Optional.empty(), reopened.get("a"));
        }
    }

    @Test
    void recordsPutAfterAClearAreUnpublishedUntilTheNextCheckpoint() {
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            index.put("a", bytes("1"));
            index.checkpoint(bytes("p1"));
            index.clear();
            // more than a write buffer, so that most reach the file; none of them checkpointed
            for (int i = 0; i < 2 * PhotoIndex.WRITE_BUFFER / 1024; i++) {
                index.put("photo-" + i, new byte[1024]);
            }
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertFalse(reopened.recovered());
            assertEquals(0, reopened.dataBytes(), "the cleared checkpoint covers no data");
            assertEquals(Optional.empty(), reopened.get("photo-0"));
            assertEquals(Optional.empty(), reopened.get("a"));
        }
    }

    @Test
    void keysWithTheSameHashAreToldApartByTheirRecords() {
        // the merge and the lookup compare keys whenever hashes are equal; equal keys are the
        // one collision that can be made on purpose: later values of one key must win
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (int round = 0; round <= PhotoIndex.MAX_RUNS; round++) {
                index.put("same", bytes("v" + round));
                index.put("other" + round, bytes("o" + round));
                index.checkpoint(bytes("r" + round));
            }
            assertArrayEquals(bytes("v" + PhotoIndex.MAX_RUNS), index.get("same").orElseThrow());
            assertEquals("o0", text(index.get("other0")));
        }
    }

    @Test
    void aCheckpointWrittenBeforeDataFilesHadGenerationsStillOpens() throws Exception {
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            index.put("a", bytes("1"));
            index.checkpoint(bytes("p1"));
            index.put("a", bytes("2"));
            index.put("b", bytes("3"));
            index.checkpoint(bytes("p2"));
        }
        // the same checkpoint as the index wrote it before generations: magic "PQIX", no generation, no count
        Checkpoint now = Checkpoint.decode(Files.readAllBytes(dir.resolve(PhotoIndex.CHECKPOINT)), dir);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeInt(0x50514958);
        out.writeLong(now.dataLength());
        out.writeInt(now.runs().size());
        for (Checkpoint.RunName run : now.runs()) {
            out.writeLong(run.number());
            out.writeLong(run.entries());
            out.writeLong(run.crc());
        }
        out.writeInt(now.meta().length);
        out.write(now.meta());
        byte[] old = body.toByteArray();
        out.writeInt(PhotoIndex.crc(old, 0, old.length));
        Files.write(dir.resolve(PhotoIndex.CHECKPOINT), body.toByteArray());

        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertTrue(reopened.recovered());
            assertEquals("p2", text(reopened.meta()));
            assertEquals("2", text(reopened.get("a")));
            assertEquals("3", text(reopened.get("b")));
            reopened.put("c", bytes("4"));
            reopened.checkpoint(bytes("p3"));
        }
        try (PhotoIndex upgraded = PhotoIndex.open(dir)) {
            assertEquals("p3", text(upgraded.meta()));
            assertEquals("4", text(upgraded.get("c")));
            assertEquals("2", text(upgraded.get("a")));
        }
    }
}
