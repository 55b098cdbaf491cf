package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.InputStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static org.junit.jupiter.api.Assertions.*;

class UsageTest {

    /** Every command as typed after pq, with the options its help must list. */
    static final Map<String, List<String>> COMMANDS = commands();

    @TempDir
    Path dir;

    private static Map<String, List<String>> commands() {
        List<String> queue = List.of("--data-dir=DIR", "--bootstrap-server=HOST:PORT");
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("produce", List.of("--topic=T", "--partitions=N", "--keyed"));
        commands.put("consume", List.of("--topic=T", "--group=G", "--mode=MODE", "--no-ack", "--from-beginning",
                "--max=N", "--timeout-ms=M"));
        commands.put("dump", List.of("--topic=T", "--partition=P"));
        commands.put("topics", List.of());
        commands.put("groups", List.of());
        commands.put("describe-group", List.of("GROUP"));
        commands.put("reset-offsets", List.of("--group=G", "--topic=T", "--to-earliest", "--to-latest",
                "--to-offset=N", "--to-datetime=TIME"));
        commands.put("dlq list", List.of("--topic=T"));
        commands.put("dlq show", List.of("--topic=T", "--offset=O"));
        commands.put("dlq redrive", List.of("--topic=T", "--all", "--offset=P:O"));
        commands.replaceAll((name, options) -> {
            List<String> all = new ArrayList<>(options);
            all.addAll(queue);
            return all;
        });
        commands.put("dlq", List.of("list", "show", "redrive"));
        commands.put("generate-completion", List.of());
        return commands;
    }

    @Test
    void helpListsEveryCommandOnStdoutAndExitsZero() {
        PqRun.Result help = pq("help");
        assertEquals(0, help.exit(), help.toString());
        assertEquals("", help.err());
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"})) {
            PqRun.Result r = pq(args);
            assertEquals(0, r.exit(), r.toString());
            assertEquals(help.out(), r.out(), "pq " + args[0] + " prints what pq help does");
            assertEquals("", r.err());
        }
        assertTrue(help.out().startsWith("Usage: pq [-hV] COMMAND\n"), help.out());
        for (String command : List.of("produce", "consume", "dump", "topics", "groups", "describe-group",
                "reset-offsets", "dlq", "generate-completion", "help")) {
            assertTrue(help.out().contains("\n  " + command + " "), "help lists " + command + ":\n" + help.out());
        }
        for (String words : List.of("--data-dir", "--bootstrap-server", "data/queue", "Exit status:", "0   done",
                "1   queue error or corrupt data", "2   bad command line")) {
            assertTrue(help.out().contains(words), "help mentions " + words + ":\n" + help.out());
        }
    }

    @Test
    void everyCommandHasHelpThatListsItsOptions() {
        for (Map.Entry<String, List<String>> command : COMMANDS.entrySet()) {
            List<String> args = new ArrayList<>(List.of(command.getKey().split(" ")));
            args.add("--help");
            PqRun.Result r = pq(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.err());
            assertTrue(r.out().contains("Usage: pq " + command.getKey() + " "), r.out());
            for (String option : command.getValue()) {
                assertTrue(r.out().contains(option), "pq " + command.getKey() + " --help lists " + option + ":\n"
                        + r.out());
            }
            assertTrue(r.out().contains("-h, --help"), r.out());

            List<String> viaHelp = new ArrayList<>(List.of("help"));
            viaHelp.addAll(args.subList(0, args.size() - 1));
            PqRun.Result help = pq(viaHelp.toArray(String[]::new));
            assertEquals(0, help.exit(), help.toString());
            assertEquals(r.out(), help.out(), "pq help " + command.getKey());
        }
    }

    @Test
    void everyCommandsHelpDescribesThatCommandNotPq() {
        String pqDescription = "pq, the queue's command-line tool.";
        assertTrue(pq("--help").out().contains(pqDescription), "the sentence checked for is pq's own");
        for (String command : COMMANDS.keySet()) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            PqRun.Result r = pq(args.toArray(String[]::new));
            assertFalse(r.out().contains(pqDescription), "pq " + command + " --help describes pq instead of "
                    + command + ":\n" + r.out());
        }
    }

    @Test
    void versionIsPrintedByPqAndByEveryCommand() {
        PqRun.Result version = pq("--version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("pq "), version.out());
        assertEquals(version.out(), pq("consume", "--version").out());
        assertEquals(version.out(), pq("dlq", "show", "-V").out());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of(), "pq: no command given"),
                Arguments.of(List.of("frobnicate"), "pq: unknown command 'frobnicate'; commands are produce, consume, "
                        + "dump, topics, groups, describe-group, reset-offsets, dlq, generate-completion and help"),
                Arguments.of(List.of("--topic", "t", "consume"), "pq: the command comes first, before --topic"),
                Arguments.of(List.of("-x"), "pq: unknown option -x; pq takes a command first, then its options"),
                Arguments.of(List.of("--bogus=1", "topics"),
                        "pq: unknown option --bogus; pq takes a command first, then its options"),
                Arguments.of(List.of("produce"), "pq: produce needs --topic"),
                Arguments.of(List.of("consume", "--topic", "t.dlq", "--group", "__redrive"),
                        "pq: --group must not start with __, got '__redrive': those are the queue's internal groups, "
                                + "such as the one that marks dead letters redriven"),
                Arguments.of(List.of("reset-offsets", "--group", "__redrive", "--topic", "t.dlq", "--to-earliest"),
                        "pq: --group must not start with __, got '__redrive': those are the queue's internal groups, "
                                + "such as the one that marks dead letters redriven"),
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
                        "pq: --partitions must be at most 10000 (the in-house log's limit on a topic's partitions), "
                                + "got 99999999999"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "99999999999999999999999"),
                        "pq: --partitions must be at most 10000 (the in-house log's limit on a topic's partitions), "
                                + "got 99999999999999999999999"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "-99999999999999999999999"),
                        "pq: --partitions must be >= 1, got -99999999999999999999999"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "many"),
                        "pq: --partitions must be a whole number >= 1, got 'many'"),
                Arguments.of(List.of("consume", "--topic", "t", "--max", "99999999999999999999"),
                        "pq: --max must be at most 9223372036854775807, got '99999999999999999999'"),
                Arguments.of(List.of("consume", "--topic", "t", "--timeout-ms", "-99999999999999999999"),
                        "pq: --timeout-ms must be >= 0, got -99999999999999999999"),
                Arguments.of(List.of("produce", "--topic", "photos/2026"),
                        "pq: --topic takes letters, digits, '.', '_' and '-', got 'photos/2026' (character '/' at 6)"),
                Arguments.of(List.of("dump", "--topic", ".."), "pq: --topic must be a topic name, got '..'"),
                Arguments.of(List.of("consume", "--topic", "t".repeat(250)),
                        "pq: --topic must be at most 249 characters, got 250"),
                Arguments.of(List.of("dlq", "list", "--topic", "a b"),
                        "pq: --topic takes letters, digits, '.', '_' and '-', got 'a b' (character ' ' at 1)"),
                Arguments.of(List.of("produce", "--topic", "t", "--partitions", "20000"),
                        "pq: --partitions must be at most 10000 (the in-house log's limit on a topic's partitions), "
                                + "got 20000"),
                Arguments.of(List.of("dump", "--topic", "t", "--partition", "-1"),
                        "pq: --partition must be >= 0, got -1"),
                Arguments.of(List.of("consume", "--topic", "t", "--bogus"), "pq: unknown option --bogus for consume"),
                Arguments.of(List.of("topics", "--bootstrap-server", "kafka-1"),
                        "pq: --bootstrap-server must be HOST:PORT[,HOST:PORT...], got 'kafka-1'"),
                Arguments.of(List.of("groups", "--bootstrap-server", "kafka-1:9092,kafka-2"),
                        "pq: --bootstrap-server must be HOST:PORT[,HOST:PORT...], got 'kafka-1:9092,kafka-2'"),
                Arguments.of(List.of("topics", "--bootstrap-server", "kafka-1:ninety"),
                        "pq: --bootstrap-server must be HOST:PORT[,HOST:PORT...], got 'kafka-1:ninety'"),
                Arguments.of(List.of("topics", "--topic", "t"), "pq: topics does not take --topic"),
                Arguments.of(List.of("produce", "--topic", "t", "--from-beginning"),
                        "pq: produce does not take --from-beginning"),
                Arguments.of(List.of("topics", "extra"), "pq: unexpected argument 'extra' for topics; options start "
                        + "with --"),
                Arguments.of(List.of("topics", "extra", "more"), "pq: unexpected arguments 'extra' and 'more' for "
                        + "topics; options start with --"),
                Arguments.of(List.of("produce", "--topic", "a", "--topic", "b"), "pq: --topic is given twice"),
                Arguments.of(List.of("produce", "--topic", "a", "--keyed=yes"), "pq: --keyed is a flag and takes no "
                        + "value"),
                Arguments.of(List.of("consume", "--topic", "t", "--group="), "pq: --group must not be empty"),
                Arguments.of(List.of("produce", "--topic", "t", "--group", "g"), "pq: produce does not take --group"),
                Arguments.of(List.of("groups", "g"), "pq: unexpected argument 'g' for groups; options start with --"),
                Arguments.of(List.of("describe-group"), "pq: describe-group needs GROUP"),
                Arguments.of(List.of("describe-group", ""), "pq: GROUP must not be empty"),
                Arguments.of(List.of("describe-group", "a", "b"),
                        "pq: describe-group takes one GROUP; unexpected argument 'b'"),
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
                        "pq: --mode must not be empty"),
                Arguments.of(List.of("consume", "--topic", "t", "--no-ack"),
                        "pq: --no-ack needs --group: without a group nothing is acked anyway"),
                Arguments.of(List.of("dlq"), "pq: dlq needs a command: list, show or redrive"),
                Arguments.of(List.of("dlq", "--bootstrap-server", "b:9092", "list", "--topic", "n"),
                        "pq: give the queue (--data-dir or --bootstrap-server) once, to dlq or to dlq list"),
                Arguments.of(List.of("dlq", "purge", "--topic", "n"),
                        "pq: unknown dlq command 'purge'; dlq commands are list, show, redrive and help"),
                Arguments.of(List.of("dlq", "list"), "pq: dlq list needs --topic"),
                Arguments.of(List.of("dlq", "--topic", "n", "list"),
                        "pq: dlq list needs --topic after list: an option follows the command it belongs to"),
                Arguments.of(List.of("dlq", "show", "--topic", "n"), "pq: dlq show needs --offset"),
                Arguments.of(List.of("dlq", "show", "--topic", "n", "--offset", "-1"),
                        "pq: --offset must be >= 0, got -1"),
                Arguments.of(List.of("dlq", "show", "--topic", "n", "--offset", "0:3"),
                        "pq: --offset must be a whole number >= 0, got '0:3'"),
                Arguments.of(List.of("dlq", "redrive", "--topic", "n"),
                        "pq: dlq redrive needs exactly one of --all and --offset P:O"),
                Arguments.of(List.of("dlq", "redrive", "--topic", "n", "--all", "--offset", "0:0"),
                        "pq: dlq redrive needs exactly one of --all and --offset P:O; got --all and --offset"),
                Arguments.of(List.of("dlq", "redrive", "--topic", "n", "--offset", "zero"),
                        "pq: --offset must be PARTITION:OFFSET of the original record, got 'zero'"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badCommandLineExitsTwoWithOneLineErrorThenTheCommandsUsage(List<String> args, String expectedError) {
        Path dataDir = dir.resolve("untouched");
        List<String> withDir = new ArrayList<>(args);
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            withDir.addAll(List.of("--data-dir", dataDir.toString()));
        }
        PqRun.Result r = pq(withDir.toArray(String[]::new));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out());
        List<String> lines = r.errLines();
        assertEquals(expectedError, lines.get(0), r.toString());
        String command = lines.get(lines.size() - 1).replaceFirst("^Try '(.*) --help' for more information\\.$", "$1");
        assertTrue(command.startsWith("pq"), "the last line points to the command's help: " + r);
        assertTrue(lines.get(1).startsWith("Usage: " + command + " "), "then the command's usage: " + r);
        List<String> words = List.of(command.split(" "));
        assertTrue(args.containsAll(words.subList(1, words.size())), "the usage is that of the command given: " + r);
        assertFalse(Files.exists(dataDir), "a bad command line must not touch the data directory");
    }

    @Test
    void partitionsOnKafkaAreLimitedByKafkasThirtyTwoBitCountNotByTheInHouseLogsLimit() {
        // Refused before the cluster is contacted: nothing listens on port 1.
        PqRun.Result tooMany = pq("produce", "--topic", "t", "--partitions", "2147483648", "--bootstrap-server",
                "localhost:1");
        assertEquals(2, tooMany.exit(), tooMany.toString());
        assertEquals("pq: --partitions must be at most 2147483647 (a Kafka topic's partition count is a 32-bit "
                + "number), got 2147483648", tooMany.errLines().get(0), tooMany.toString());
        assertEquals("", tooMany.out());
    }

    /** {@code pq dlq help list} as {@code pq help dlq list}: help at every level that has commands. */
    @Test
    void everyCommandWithCommandsHasAHelpCommandOfItsOwn() {
        List<List<String>> withCommands = new ArrayList<>();
        collectCommandsWithCommands(Pq.commandLine(new Terminal(InputStream.nullInputStream(), System.out, System.err)),
                new ArrayList<>(), withCommands);
        assertTrue(withCommands.contains(List.of("dlq")), "the tree walked is pq's: " + withCommands);
        for (List<String> path : withCommands) {
            CommandLine command = Pq.commandLine(new Terminal(InputStream.nullInputStream(), System.out, System.err));
            for (String name : path) {
                command = command.getSubcommands().get(name);
            }
            for (String sub : command.getSubcommands().keySet()) {
                List<String> viaOption = new ArrayList<>(path);
                viaOption.addAll(List.of(sub, "--help"));
                List<String> viaHelp = new ArrayList<>(path);
                viaHelp.addAll(List.of("help", sub));
                PqRun.Result option = pq(viaOption.toArray(String[]::new));
                PqRun.Result help = pq(viaHelp.toArray(String[]::new));
                assertEquals(0, help.exit(), String.join(" ", viaHelp) + ": " + help);
                assertEquals(option.out(), help.out(), String.join(" ", viaHelp) + " prints what --help does");
            }
            List<String> bare = new ArrayList<>(path);
            bare.add("help");
            List<String> ownHelp = new ArrayList<>(path);
            ownHelp.add("--help");
            assertEquals(pq(ownHelp.toArray(String[]::new)).out(), pq(bare.toArray(String[]::new)).out(),
                    String.join(" ", bare) + " describes " + String.join(" ", path));
        }

        PqRun.Result unknown = pq("dlq", "help", "nope");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("pq: unknown dlq command 'nope'; dlq commands are "), unknown.err());
    }

    /** The paths (as typed after pq) of the commands that have commands of their own, pq itself as the empty path. */
    private static void collectCommandsWithCommands(CommandLine command, List<String> path, List<List<String>> found) {
        if (command.getSubcommands().isEmpty()) {
            return;
        }
        found.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(name);
            collectCommandsWithCommands(sub, subPath, found);
        });
    }

    @Test
    void helpOfNoCommandIsAUsageErrorNamingIt() {
        PqRun.Result unknown = pq("help", "nope");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertEquals("", unknown.out());
        assertTrue(unknown.err().startsWith("pq: unknown command 'nope'; commands are produce, "), unknown.err());

        PqRun.Result unknownDlq = pq("help", "dlq", "nope");
        assertEquals(2, unknownDlq.exit(), unknownDlq.toString());
        assertTrue(unknownDlq.err().startsWith("pq: unknown dlq command 'nope'; dlq commands are list, show, redrive and help"),
                unknownDlq.err());

        PqRun.Result leaf = pq("help", "topics", "extra");
        assertEquals(2, leaf.exit(), leaf.toString());
        assertTrue(leaf.err().startsWith("pq: pq topics has no commands; 'extra' is not one"), leaf.err());
    }
}
