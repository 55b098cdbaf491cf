package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static org.junit.jupiter.api.Assertions.*;

class UsageTest {

    @TempDir
    Path dir;

    @Test
    void helpPrintsUsageOfEveryCommandOnStdoutAndExitsZero() {
        for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"},
                new String[] {"consume", "--help"})) {
            PqRun.Result r = pq(args);
            assertEquals(0, r.exit(), r.toString());
            assertEquals(Usage.TEXT, r.out());
            assertEquals("", r.err());
        }
        for (String command : List.of("produce --topic", "consume --topic", "dump --topic", "topics", "help",
                "--data-dir DIR", "--bootstrap-server HOST:PORT", "--partitions N", "--keyed", "--from-beginning", "--max N", "--timeout-ms M",
                "default 1000", "--partition P", "exit status", "--group G", "groups", "describe-group G",
                "reset-offsets --group G --topic T", "--to-earliest", "--to-latest", "--to-offset N",
                "--to-datetime TIME", "2026-11-28T10:00:00Z", "--no-ack", "dlq list --topic T",
                "dlq redrive --topic T (--all | --offset P:O)")) {
            assertTrue(Usage.TEXT.contains(command), "usage mentions " + command);
        }
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of(), "pq: no command given"),
                Arguments.of(List.of("frobnicate"), "pq: unknown command 'frobnicate'; commands are produce, consume, "
                        + "dump, topics, groups, describe-group, reset-offsets, dlq and help"),
                Arguments.of(List.of("--topic", "t", "consume"), "pq: the command comes first, before --topic"),
                Arguments.of(List.of("produce"), "pq: produce needs --topic"),
                Arguments.of(List.of("consume", "--topic"), "pq: --topic needs a value"),
                Arguments.of(List.of("consume", "--topic", "--max", "3"), "pq: --topic needs a value"),
                Arguments.of(List.of("consume", "--topic="), "pq: --topic must not be empty"),
                Arguments.of(List.of("consume", "--topic", "t", "--max", "abc"),
                        "pq: --max must be a whole number >= 1, got 'abc'"),
                Arguments.of(List.of("consume", "--topic", "t", "--max", "0"), "pq: --max must be >= 1, got 0"),
                Arguments.of(List.of("consume", "--topic", "t", "--timeout-ms", "-5"),
                        "pq: --timeout-ms must be >= 0, got -5"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "0"),
                        "pq: --partitions must be >= 1, got 0"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "99999999999"),
                        "pq: --partitions must be at most 2147483647, got '99999999999'"),
                Arguments.of(List.of("dump", "--topic", "t", "--partition", "-1"),
                        "pq: --partition must be >= 0, got -1"),
                Arguments.of(List.of("consume", "--topic", "t", "--bogus"), "pq: unknown option --bogus for consume"),
                Arguments.of(List.of("topics", "--topic", "t"), "pq: topics does not take --topic"),
                Arguments.of(List.of("produce", "--topic", "t", "--from-beginning"),
                        "pq: produce does not take --from-beginning"),
                Arguments.of(List.of("topics", "extra"), "pq: unexpected argument 'extra' for topics; options start "
                        + "with --"),
                Arguments.of(List.of("produce", "--topic", "a", "--topic", "b"), "pq: --topic is given twice"),
                Arguments.of(List.of("produce", "--topic", "a", "--keyed=yes"), "pq: --keyed is a flag and takes no "
                        + "value"),
                Arguments.of(List.of("consume", "--topic", "t", "--group="), "pq: --group must not be empty"),
                Arguments.of(List.of("produce", "--topic", "t", "--group", "g"), "pq: produce does not take --group"),
                Arguments.of(List.of("groups", "g"), "pq: unexpected argument 'g' for groups; options start with --"),
                Arguments.of(List.of("describe-group"), "pq: describe-group needs a group id"),
                Arguments.of(List.of("describe-group", ""), "pq: the group id must not be empty"),
                Arguments.of(List.of("describe-group", "a", "b"),
                        "pq: describe-group takes one group id; unexpected argument 'b'"),
                Arguments.of(List.of("describe-group", "g", "--group", "g"), "pq: describe-group does not take --group"),
                Arguments.of(List.of("reset-offsets", "--topic", "t", "--to-earliest"), "pq: reset-offsets needs --group"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--to-earliest"), "pq: reset-offsets needs --topic"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t"), "pq: reset-offsets needs exactly "
                        + "one of --to-earliest, --to-latest, --to-offset N and --to-datetime TIME"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-earliest", "--to-latest"),
                        "pq: reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset N and "
                                + "--to-datetime TIME; got --to-earliest and --to-latest"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime",
                        "2026-11-28T10:00:00Z", "--to-offset", "3", "--to-latest"),
                        "pq: reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset N and "
                                + "--to-datetime TIME; got --to-latest, --to-offset and --to-datetime"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "-1"),
                        "pq: --to-offset must be >= 0, got -1"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-earliest=0"),
                        "pq: --to-earliest is a flag and takes no value"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime",
                        "2026-11-28T10:00:00"), "pq: --to-datetime must be an ISO-8601 date and time with a zone "
                        + "offset, like 2026-11-28T10:00:00Z or 2026-11-28T11:00:00+01:00; got '2026-11-28T10:00:00'"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime=yesterday"),
                        "pq: --to-datetime must be an ISO-8601 date and time with a zone offset, like "
                                + "2026-11-28T10:00:00Z or 2026-11-28T11:00:00+01:00; got 'yesterday'"),
                Arguments.of(List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime",
                        "2026-13-01T00:00:00Z"), "pq: --to-datetime must be an ISO-8601 date and time with a zone "
                        + "offset, like 2026-11-28T10:00:00Z or 2026-11-28T11:00:00+01:00; got '2026-13-01T00:00:00Z'"),
                Arguments.of(List.of("consume", "--topic", "t", "--group", "g", "--mode", "fifo"),
                        "pq: --mode must be one of ordered, shared, got 'fifo'"),
                Arguments.of(List.of("consume", "--topic", "t", "--mode", "shared"),
                        "pq: --mode needs --group: it is the consumer group's mode"),
                Arguments.of(List.of("consume", "--topic", "t", "--group", "g", "--mode="),
                        "pq: --mode must not be empty"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badCommandLineExitsTwoWithOneLineErrorThenTheUsage(List<String> args, String expectedError) {
        Path dataDir = dir.resolve("untouched");
        List<String> withDir = new ArrayList<>(args);
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            withDir.addAll(List.of("--data-dir", dataDir.toString()));
        }
        PqRun.Result r = pq(withDir.toArray(String[]::new));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals(expectedError + "\n" + Usage.TEXT, r.err());
        assertFalse(Files.exists(dataDir), "a bad command line must not touch the data directory");
    }
}
