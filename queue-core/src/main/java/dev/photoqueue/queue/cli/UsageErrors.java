package dev.photoqueue.queue.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What pq says about a bad command line, found by picocli or by a command before it touched the
 * queue: one line {@code pq: <message>} naming the command, the option or argument at fault and
 * the value given, then the command's usage line and where its help is; exit status 2. picocli's
 * own messages are reworded here, in pq's words, so that every command speaks alike
 * ("--max must be >= 1, got 0", "topics does not take --topic").
 */
final class UsageErrors implements IParameterExceptionHandler {

    private final PrintStream err;

    UsageErrors(PrintStream err) {
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        err.println("pq: " + Pq.oneLine(message(ex, args)));
        CommandLine.Help help = commandLine.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        return Pq.EXIT_USAGE;
    }

    /** The one-line message for {@code ex}, raised while parsing {@code args} (the whole command line). */
    static String message(ParameterException ex, String[] args) {
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        CommandSpec root = spec.root();
        if (args.length > 0 && args[0].startsWith("-") && root.findOption(args[0]) == null) {
            String option = args[0].contains("=") ? args[0].substring(0, args[0].indexOf('=')) : args[0];
            // An option of some command given before it, or one that no command takes at all.
            return takenElsewhere(root, option) ? "the command comes first, before " + args[0]
                    : "unknown option " + option + "; pq takes a command first, then its options";
        }
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return unmatched(spec, unmatched.getUnmatched());
        }
        String[] own = ownArgs(spec, args);
        if (ex instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            return missing(spec, missing.getMissing(), own, args);
        }
        if (ex instanceof OverwrittenOptionException overwritten) {
            return name(overwritten.getOverwritten()) + " is given twice";
        }
        if (ex instanceof MaxValuesExceededException) {
            OptionSpec flag = flagGivenAValue(spec, own);
            if (flag != null) {
                return flag.longestName() + " is a flag and takes no value";
            }
        }
        if (ex instanceof MutuallyExclusiveArgsException) {
            String message = exclusive(spec, own);
            if (message != null) {
                return message;
            }
        }
        if (ex.getCause() instanceof TypeConversionException wrong && ex.getArgSpec() != null) {
            return name(ex.getArgSpec()) + " " + wrong.getMessage();
        }
        return ex.getMessage();
    }

    /**
     * Words the command did not expect, worded by the first: a command name, an option, or an
     * argument; a command that takes no arguments names every word it was given.
     */
    private static String unmatched(CommandSpec spec, List<String> tokens) {
        String token = tokens.get(0);
        String command = command(spec);
        if (!spec.subcommands().isEmpty()) {
            String commands = spec.root() == spec ? "commands" : command + " commands";
            if (token.startsWith("-")) {
                return "the " + (spec.root() == spec ? "" : command + " ") + "command comes first, before " + token;
            }
            return "unknown " + (spec.root() == spec ? "" : command + " ") + "command '" + token + "'; " + commands
                    + " are " + list(new ArrayList<>(spec.subcommands().keySet()));
        }
        if (token.startsWith("--")) {
            String option = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
            return takenElsewhere(spec.root(), option) ? command + " does not take " + option
                    : "unknown option " + option + " for " + command;
        }
        if (!spec.positionalParameters().isEmpty()) {
            return command + " takes one " + spec.positionalParameters().get(0).paramLabel()
                    + "; unexpected argument '" + token + "'";
        }
        List<String> quoted = tokens.stream().map(t -> "'" + t + "'").toList();
        return "unexpected argument" + (quoted.size() > 1 ? "s " : " ") + list(quoted) + " for " + command
                + "; options start with --";
    }

    /**
     * A required option or argument absent, or an option given without its value ({@code own} are
     * the words after the command's name), or given before the command's name, to its parent.
     */
    private static String missing(CommandSpec spec, List<ArgSpec> missing, String[] own, String[] all) {
        ArgGroupSpec group = missing.get(0).group();
        if (group != null && missing.stream().allMatch(a -> a.group() == group)) {
            return command(spec) + " needs exactly one of " + list(synopses(group.options()));
        }
        ArgSpec first = missing.get(0);
        if (first instanceof OptionSpec option && given(option, own)) {
            return option.longestName() + " needs a value";
        }
        if (first instanceof OptionSpec option && given(option, all)) {
            return command(spec) + " needs " + name(first) + " after " + spec.name()
                    + ": an option follows the command it belongs to";
        }
        return command(spec) + " needs " + name(first);
    }

    /** The words of the command line after the command's own name (all of them for pq itself). */
    private static String[] ownArgs(CommandSpec spec, String[] args) {
        List<CommandSpec> path = new ArrayList<>();
        for (CommandSpec c = spec; c.parent() != null; c = c.parent()) {
            path.add(0, c);
        }
        int at = 0;
        for (CommandSpec c : path) {
            while (at < args.length && !args[at].equals(c.name())) {
                at++;
            }
            at++;
        }
        return at > args.length ? args : Arrays.copyOfRange(args, at, args.length);
    }

    /** Two options of a group that takes one at most; null when the group cannot be told. */
    private static String exclusive(CommandSpec spec, String[] args) {
        for (ArgGroupSpec group : spec.argGroups()) {
            List<String> given = new ArrayList<>();
            for (OptionSpec option : group.options()) {
                if (given(option, args)) {
                    given.add(option.longestName());
                }
            }
            if (group.exclusive() && given.size() > 1 && group.typeInfo().getType() == QueueLocation.Choice.class) {
                return QueueLocation.BOTH_GIVEN;
            }
            if (group.exclusive() && given.size() > 1) {
                String choices = list(synopses(group.options()));
                return command(spec) + (group.multiplicity().min() > 0 ? " needs exactly one of " + choices
                        : " takes at most one of " + choices) + "; got " + list(given);
            }
        }
        return null;
    }

    private static OptionSpec flagGivenAValue(CommandSpec spec, String[] args) {
        for (OptionSpec option : spec.options()) {
            if (option.arity().max() == 0
                    && Arrays.stream(args).anyMatch(a -> a.startsWith(option.longestName() + "="))) {
                return option;
            }
        }
        return null;
    }

    /** Whether some command of pq other than a container takes {@code option}. */
    private static boolean takenElsewhere(CommandSpec spec, String option) {
        if (spec.subcommands().isEmpty()) {
            return spec.findOption(option) != null;
        }
        return spec.subcommands().values().stream().anyMatch(c -> takenElsewhere(c.getCommandSpec(), option));
    }

    /** Whether {@code option} is on the command line, alone or with {@code =value}. */
    private static boolean given(OptionSpec option, String[] args) {
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "--to-offset N" for an option with a value, "--all" for a flag. */
    private static List<String> synopses(List<OptionSpec> options) {
        List<String> synopses = new ArrayList<>();
        for (OptionSpec option : options) {
            synopses.add(option.arity().max() == 0 ? option.longestName()
                    : option.longestName() + " " + option.paramLabel());
        }
        return synopses;
    }

    /** "a", "a and b", "a, b and c". */
    private static String list(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** An option by its longest name, an argument by its label. */
    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    /** The command as typed after pq ("consume", "dlq redrive"), or "pq" itself. */
    private static String command(CommandSpec spec) {
        String qualified = spec.qualifiedName();
        String root = spec.root().name() + " ";
        return qualified.startsWith(root) ? qualified.substring(root.length()) : qualified;
    }
}
