package dev.photoqueue.queue.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code pq help [COMMAND [SUBCOMMAND]]}: the help of pq, of one command, or of one of a command's
 * own commands ({@code pq help dlq redrive}), as {@code --help} there prints it, on stdout with
 * exit status 0. Every command with commands has one ({@code pq dlq help redrive}), which starts
 * from that command; {@code help help} describes itself. A name that is no command is a usage error (exit 2) worded as for any unknown
 * command. picocli's own help command reads only the first name, so {@code pq help dlq redrive}
 * printed the help of {@code dlq}, and an unknown second name went unnoticed.
 */
@Command(name = "help", helpCommand = true, header = "Describes a command or one of its commands.",
        description = "Prints the help of COMMAND (without one, of the command this help belongs to), as "
                + "'COMMAND --help' does; 'pq help dlq redrive' and 'pq dlq help redrive' describe a dlq command.")
final class HelpCommand implements IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command, then its command if it has some")
    List<String> names = List.of();

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine described = self.getParent();
        for (String name : names) {
            if (described.getSubcommands().isEmpty()) {
                throw new ParameterException(self, described.getCommandSpec().qualifiedName() + " has no commands; '"
                        + name + "' is not one");
            }
            CommandLine next = described.getSubcommands().get(name);
            if (next == null) {
                throw new UnmatchedArgumentException(described, List.of(name));
            }
            described = next;
        }
        described.usage(out, colors);
    }
}
