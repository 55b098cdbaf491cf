package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.StorageException;
import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystemException;

/**
 * {@code pq}, the command-line tool of the queue: produce, consume, dump and list topics of a data
 * directory or a Kafka cluster, inspect and reset consumer groups, read and redrive dead letters,
 * from the shell. picocli parses the command line, writes the help ({@code --help} on every
 * command) and the bash completion script ({@code pq generate-completion}).
 *
 * <p>Every outcome is an exit status and at most one error line on stderr, {@code pq: <message>}:
 * {@value #EXIT_USAGE} for a bad command line (followed by the command's usage line, see
 * {@link UsageErrors}), {@value #EXIT_FAILED} for a queue error or corrupt data. No stack traces:
 * the queue's exceptions carry the topic, offset or file at fault in their messages.
 */
public final class Pq {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Pq() {
    }

    public static void main(String[] args) {
        quietLogging();
        // Buffered, flushed by the commands at sensible points: a consumer printing a million
        // records must not make a system call per line, unless it acks them (consume --group
        // flushes each line before its ack, so that it acks only what standard output took).
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
     * when the cluster is unreachable: their errors only. A segment's warning that an index entry
     * found no room (a full disk) is none for a shell user either: an index is a cache, lookups scan
     * past the gap, and the log's own warning at close says what the next open rebuilds, so that a
     * produce whose records were acknowledged prints at most that one line besides its summary.
     * Must run before the first logger is created.
     */
    private static void quietLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.photoqueue.queue.log.LogSegment", "error");
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
        PrintWriter help = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        try {
            CommandLine pq = commandLine(new Terminal(in, out, err));
            pq.setOut(help);
            pq.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            pq.setParameterExceptionHandler(new UsageErrors(err));
            pq.setExecutionExceptionHandler((e, commandLine, parsed) -> failed(e, err));
            return pq.execute(args);
        } catch (RuntimeException e) {
            return failed(e, err);
        } finally {
            help.flush();
            out.flush();
            err.flush();
        }
    }

    /**
     * The command tree: every command, in the order the help lists them; every command that has
     * commands has {@code help} among them ({@code pq dlq help list}), as git and kubectl do. Options that apply to
     * every command (not taking {@code @file} arguments, the handlers) are set after it is built,
     * since picocli applies them to the subcommands there are.
     */
    static CommandLine commandLine(Terminal terminal) {
        CommandLine dlq = new CommandLine(new DlqCommand())
                .addSubcommand(new DlqListCommand(terminal))
                .addSubcommand(new DlqShowCommand(terminal))
                .addSubcommand(new DlqRedriveCommand(terminal))
                .addSubcommand(new HelpCommand());
        CommandLine pq = new CommandLine(new PqCommand())
                .addSubcommand(new ProduceCommand(terminal))
                .addSubcommand(new ConsumeCommand(terminal))
                .addSubcommand(new DumpCommand(terminal))
                .addSubcommand(new TopicsCommand(terminal))
                .addSubcommand(new GroupsCommand(terminal))
                .addSubcommand(new DescribeGroupCommand(terminal))
                .addSubcommand(new ResetOffsetsCommand(terminal))
                .addSubcommand(dlq)
                .addSubcommand(new CompletionCommand())
                .addSubcommand(new HelpCommand());
        pq.setExpandAtFiles(false);
        return pq;
    }

    /** A command stopped: its own status, 1 for a queue or I/O error, 1 and the type for a bug. */
    static int failed(Exception e, PrintStream err) {
        if (e instanceof CommandFailedException failed) {
            err.println("pq: " + oneLine(failed.getMessage()));
            return failed.exitCode();
        }
        if (e instanceof QueueException) {
            err.println("pq: " + oneLine(e.getMessage()));
        } else if (e instanceof UncheckedIOException || e instanceof DirectoryIteratorException) {
            err.println("pq: " + oneLine(fileAccessFailed(e.getCause())));
        } else {
            // A bug of pq or the queue: still one line, but with the exception's type to search for.
            err.println("pq: unexpected error: " + oneLine(e.toString()));
        }
        return EXIT_FAILED;
    }

    /**
     * An I/O error that reached pq without a queue exception around it, in words: the file it names
     * and why ("cannot access /q/t: no such file or directory"), or why alone when it names none.
     */
    private static String fileAccessFailed(Throwable io) {
        if (io instanceof FileSystemException fs && fs.getFile() != null) {
            return "cannot access " + fs.getFile() + ": " + StorageException.reason(fs.getFile(), fs);
        }
        return "cannot read or write a file: " + StorageException.reason(io);
    }

    /** A message on one line: line breaks and the blanks around them become one space. */
    static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
