package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code pq dlq list} and {@code pq dlq show} on dead letters with text and binary values, keys and
 * headers: what each prints of the original record, checked against the records the queue's API
 * reads back.
 */
class DlqReadTest {

    private static final String ERROR = "unreadable image\nsecond line";
    /** A PNG's signature, then 100 more bytes: binary by any rule, longer than a preview. */
    private static final byte[] PNG = png();
    /** 59 letters, a line break, 50 more: text longer than a list's preview of 60 characters. */
    private static final String LONG_TEXT = "a".repeat(59) + "\n" + "b".repeat(50);

    @TempDir
    Path dir;

    private String dataDir() {
        return dir.resolve("queue").toString();
    }

    private static byte[] png() {
        byte[] bytes = new byte[108];
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
        System.arraycopy(signature, 0, bytes, 0, signature.length);
        for (int i = signature.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i - signature.length);
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Three records of topic photos, each rejected by group g at once, so dead letters 0, 1 and 2. */
    @BeforeEach
    void threeDeadLetters() {
        try (QueueBackend backend = PqRun.openBackend(Path.of(dataDir()))) {
            backend.admin().createTopic(new NewTopic("photos", 1));
            backend.admin().createTopic(new NewTopic(DeadLetters.topicFor("photos"), 1));
            try (Producer producer = backend.producer()) {
                producer.send(ProducerRecord.of("photos", utf8("user-1"), utf8("line one\tcol \"x\""))
                        .withHeaders(List.of(Header.of("trace", "abc"), new Header("bin", new byte[] {0, (byte) 0xff}))))
                        .get();
                producer.send(ProducerRecord.of("photos", null, PNG)).get();
                producer.send(ProducerRecord.of("photos", utf8("k3"), utf8(LONG_TEXT))).get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            GroupConsumerConfig config = GroupConsumerConfig.builder("g")
                    .autoOffsetReset(AutoOffsetReset.EARLIEST).build();
            try (GroupConsumer group = backend.groupConsumer(config)) {
                group.subscribe(List.of("photos"));
                List<ConsumerRecord> got = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got.size() < 3 && System.nanoTime() < deadline) {
                    got.addAll(group.poll(Duration.ofMillis(100)));
                }
                assertEquals(3, got.size(), got.toString());
                for (ConsumerRecord r : got) {
                    group.acknowledge(r, AckType.REJECT, ERROR);
                }
            }
        }
    }

    private List<ConsumerRecord> deadLetters() {
        try (QueueBackend backend = PqRun.openBackend(Path.of(dataDir()))) {
            return backend.admin().deadLetters(DeadLetters.topicFor("photos"));
        }
    }

    private static List<String> cells(String line) {
        return List.of(line.split(" {2,}"));
    }

    private static String header(ConsumerRecord r, String key) {
        return r.header(key).valueAsString();
    }

    @Test
    void aDeadLetteredAtHeaderThatIsNoNumberIsListedAsSuchRatherThanFailingTheList() throws Exception {
        try (QueueBackend backend = PqRun.openBackend(Path.of(dataDir()));
             Producer producer = backend.producer()) {
            producer.send(ProducerRecord.of(DeadLetters.topicFor("photos"), "odd", "value").withHeaders(List.of(
                    Header.of(DeadLetters.TOPIC, "photos"), Header.of(DeadLetters.PARTITION, "0"),
                    Header.of(DeadLetters.DEAD_LETTERED_AT, "yesterday")))).get();
        }
        PqRun.Result list = pq("dlq", "list", "--topic", "photos", "--data-dir", dataDir());
        assertEquals(0, list.exit(), list.toString());
        List<String> last = cells(list.outLines().get(4));
        assertEquals(List.of("3", "photos", "0", "-", "-", "not a time (\"yesterday\")"), last.subList(0, 6),
                list.out());
    }

    @Test
    void listShowsEachDeadLettersOwnOffsetOriginKeyReasonHeadersAndAPreviewOfItsValue() {
        PqRun.Result list = pq("dlq", "list", "--topic", "photos", "--data-dir", dataDir());
        assertEquals(0, list.exit(), list.toString());
        assertEquals("", list.err());
        List<String> lines = list.outLines();
        assertEquals(4, lines.size(), list.out());
        assertEquals(List.of("DLQ-OFFSET", "TOPIC", "PARTITION", "OFFSET", "DELIVERIES", "DEAD-LETTERED", "ERROR",
                "KEY", "HEADERS", "VALUE"), cells(lines.get(0)));

        List<ConsumerRecord> letters = deadLetters();
        List<List<String>> expected = List.of(
                List.of("\"user-1\"", "trace=\"abc\",bin=0x00ff (2 bytes)", "\"line one\\tcol \\\"x\\\"\""),
                List.of("-", "-", "0x89504e470d0a1a0a0001020304050607\u2026 (108 bytes)"),
                List.of("\"k3\"", "-", "\"" + "a".repeat(59) + "\\n\"\u2026"));
        for (int i = 0; i < 3; i++) {
            ConsumerRecord letter = letters.get(i);
            List<String> row = cells(lines.get(1 + i));
            String when = Instant.ofEpochMilli(Long.parseLong(header(letter, DeadLetters.DEAD_LETTERED_AT))).toString();
            assertEquals(List.of(Long.toString(letter.offset()), "photos", "0", Integer.toString(i), "1", when,
                    "unreadable image second line"), row.subList(0, 7), lines.get(1 + i));
            assertEquals(expected.get(i), row.subList(7, 10), lines.get(1 + i));
        }
    }

    @Test
    void showPrintsATextDeadLetterWholeWithEveryHeader() {
        ConsumerRecord letter = deadLetters().get(0);
        PqRun.Result show = pq("dlq", "show", "--topic", "photos", "--offset", "0", "--data-dir", dataDir());
        assertEquals(0, show.exit(), show.toString());
        assertEquals("", show.err());
        String timestamp = header(letter, DeadLetters.TIMESTAMP);
        String at = header(letter, DeadLetters.DEAD_LETTERED_AT);
        assertEquals("offset: 0\n"
                + "timestamp: " + Instant.ofEpochMilli(letter.timestamp()) + "\n"
                + "key: \"user-1\"\n"
                + "headers: 11\n"
                + "  trace: \"abc\"\n"
                + "  bin: 0x00ff\n"
                + "  pq.dlq.topic: \"photos\"\n"
                + "  pq.dlq.partition: \"0\"\n"
                + "  pq.dlq.offset: \"0\"\n"
                + "  pq.dlq.timestamp: \"" + timestamp + "\" (" + Instant.ofEpochMilli(Long.parseLong(timestamp)) + ")\n"
                + "  pq.dlq.group: \"g\"\n"
                + "  pq.dlq.delivery-count: \"1\"\n"
                + "  pq.dlq.error: \"unreadable image\\nsecond line\"\n"
                + "  pq.dlq.dead-lettered-at: \"" + at + "\" (" + Instant.ofEpochMilli(Long.parseLong(at)) + ")\n"
                + "  pq.dlq.cause: \"rejected\"\n"
                + "value: text, 16 bytes\n"
                + "line one\tcol \"x\"\n", show.out());

        PqRun.Result longText = pq("dlq", "show", "--topic", "photos.dlq", "--offset", "2", "--data-dir", dataDir());
        assertEquals(0, longText.exit(), longText.toString());
        assertTrue(longText.out().endsWith("value: text, 110 bytes\n"
                + LONG_TEXT + "\n"), "the whole value, not a preview: " + longText.out());
    }

    @Test
    void showPrintsABinaryValueAsAHexDump() {
        PqRun.Result show = pq("dlq", "show", "--topic", "photos", "--offset", "1", "--data-dir", dataDir());
        assertEquals(0, show.exit(), show.toString());
        List<String> lines = show.outLines();
        assertEquals("key: null", lines.get(2));
        assertEquals("headers: 9", lines.get(3), "the pq.dlq.* ones only: " + show.out());
        int value = lines.indexOf("value: binary, 108 bytes");
        assertEquals(4 + 9, value, show.out());
        assertEquals(List.of(
                "00000000  89 50 4e 47 0d 0a 1a 0a  00 01 02 03 04 05 06 07  |.PNG............|",
                "00000010  08 09 0a 0b 0c 0d 0e 0f  10 11 12 13 14 15 16 17  |................|",
                "00000020  18 19 1a 1b 1c 1d 1e 1f  20 21 22 23 24 25 26 27  |........ !\"#$%&'|",
                "00000030  28 29 2a 2b 2c 2d 2e 2f  30 31 32 33 34 35 36 37  |()*+,-./01234567|",
                "00000040  38 39 3a 3b 3c 3d 3e 3f  40 41 42 43 44 45 46 47  |89:;<=>?@ABCDEFG|",
                "00000050  48 49 4a 4b 4c 4d 4e 4f  50 51 52 53 54 55 56 57  |HIJKLMNOPQRSTUVW|",
                "00000060  58 59 5a 5b 5c 5d 5e 5f  60 61 62 63              |XYZ[\\]^_`abc|"),
                lines.subList(value + 1, lines.size()));
    }

    @Test
    void showOfAnOffsetWithoutAWaitingDeadLetterExitsOneNamingTopicAndOffset() {
        PqRun.Result none = pq("dlq", "show", "--topic", "photos", "--offset", "99", "--data-dir", dataDir());
        assertEquals(1, none.exit(), none.toString());
        assertEquals("", none.out());
        assertEquals(List.of("pq: no dead letter waits at offset 99 of photos.dlq (redriven already, or never one); "
                + "dlq list --topic photos lists those that do"), none.errLines());

        assertEquals(0, pq("dlq", "redrive", "--topic", "photos", "--offset", "0:0", "--data-dir", dataDir()).exit());
        PqRun.Result redriven = pq("dlq", "show", "--topic", "photos", "--offset", "0", "--data-dir", dataDir());
        assertEquals(1, redriven.exit(), redriven.toString());
        assertTrue(redriven.errLines().get(0).startsWith("pq: no dead letter waits at offset 0 of photos.dlq"),
                redriven.toString());
        assertEquals(0, pq("dlq", "show", "--topic", "photos", "--offset", "1", "--data-dir", dataDir()).exit(),
                "the others still wait");

        PqRun.Result missing = pq("dlq", "show", "--topic", "photos", "--data-dir", dataDir());
        assertEquals(2, missing.exit(), missing.toString());
        assertEquals("pq: dlq show needs --offset", missing.errLines().get(0));
    }
}
