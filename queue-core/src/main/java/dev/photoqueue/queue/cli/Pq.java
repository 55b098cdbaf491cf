package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.api.UnknownTopicException;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pq}, the command-line tool of the in-house queue: produce, consume, dump and list topics
 * of a data directory, and inspect and reset its consumer groups, from the shell (see
 * {@link Usage#TEXT}).
 *
 * <p>Every outcome is an exit status and at most one error line on stderr, {@code pq: <message>}:
 * {@value #EXIT_USAGE} for a bad command line (followed by the usage), {@value #EXIT_FAILED} for a
 * queue error or corrupt data. No stack traces: the queue's exceptions carry the topic, offset or
 * file at fault in their messages.
 */
public final class Pq {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final Map<String, Command> COMMANDS = commands(new ProduceCommand(), new ConsumeCommand(),
            new DumpCommand(), new TopicsCommand(), new GroupsCommand(), new DescribeGroupCommand(),
            new ResetOffsetsCommand(), new DlqCommand());

    private Pq() {
    }

    public static void main(String[] args) {
        quietLogging();
        // Buffered, flushed by the commands at sensible points: a consumer printing a million
        // records must not make a system call per line.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        int status = run(args, System.in, out, System.err);
        out.flush();
        System.exit(status);
    }

    /**
     * The log's INFO lines (topic created, directory opened) are for servers, not for a shell user,
     * so pq.jar's SLF4J binding shows warnings and errors only, unless told otherwise with -D.
     * Kafka's clients warn once per connection retry, which pq's own one-line error says better
     * when the cluster is unreachable: their errors only. Must run before the first logger is created.
     */
    private static void quietLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs one command line and returns its exit status; never throws, never exits. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Terminal terminal = new Terminal(in, out, err);
        String where = null;
        try {
            if (args.length == 0) {
                throw new UsageException("no command given");
            }
            String name = args[0];
            if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
                out.print(Usage.TEXT);
                return EXIT_OK;
            }
            Command command = COMMANDS.get(name);
            if (command == null) {
                throw new UsageException(name.startsWith("-") ? "the command comes first, before " + name
                        : "unknown command '" + name + "'; commands are " + String.join(", ", COMMANDS.keySet())
                        + " and help");
            }
            Arguments arguments = Arguments.parse(name, List.of(args).subList(1, args.length), command.options(),
                    command.operand());
            if (arguments.has(Option.HELP)) {
                out.print(Usage.TEXT);
                return EXIT_OK;
            }
            where = arguments.where();
            return command.run(arguments, terminal);
        } catch (UsageException e) {
            err.println("pq: " + oneLine(e.getMessage()));
            err.print(Usage.TEXT);
            return EXIT_USAGE;
        } catch (CommandFailedException e) {
            err.println("pq: " + oneLine(e.getMessage()));
            return e.exitCode();
        } catch (UnknownTopicException e) {
            // The API's message suggests enabling automatic creation, which is no advice for pq.
            err.println("pq: unknown topic \"" + e.topic() + "\" in " + where);
            return EXIT_FAILED;
        } catch (UnknownGroupException e) {
            err.println("pq: unknown consumer group \"" + e.groupId() + "\" in " + where);
            return EXIT_FAILED;
        } catch (QueueException e) {
            err.println("pq: " + oneLine(e.getMessage()));
            return EXIT_FAILED;
        } catch (UncheckedIOException e) {
            err.println("pq: " + oneLine(e.getCause().toString()));
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            // A bug of pq or the queue: still one line, but with the exception's type to search for.
            err.println("pq: unexpected error: " + oneLine(e.toString()));
            return EXIT_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static Map<String, Command> commands(Command... commands) {
        Map<String, Command> byName = new LinkedHashMap<>();
        Arrays.stream(commands).forEach(c -> byName.put(c.name(), c));
        return Collections.unmodifiableMap(byName);
    }
}
