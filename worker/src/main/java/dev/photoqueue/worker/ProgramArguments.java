package dev.photoqueue.worker;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The command line of a program configured by environment variables only (the upload API, the
 * worker process): it takes no arguments. {@code --help} or {@code -h} prints the variables it
 * reads and where they are described, and ends it with status 0; any other argument is refused with
 * status 2, so that a flag a user expected to work ({@code --port 9090}) does not start a server
 * that silently ignores it.
 *
 * @param program   the name its messages begin with, e.g. {@code photoqueue}
 * @param jar       the jar it is started from, for the usage line
 * @param variables the environment variables it reads
 * @param described where the variables are described, e.g. {@code README.md, "Configuration"}
 */
public record ProgramArguments(String program, String jar, Set<String> variables, String described) {

    /**
     * The status to end the program with, having printed its usage ({@code --help}) to {@code out}
     * or what is wrong to {@code err}; empty when there are no arguments and it should start.
     */
    public OptionalInt check(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            return OptionalInt.empty();
        }
        if (args.size() == 1 && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            out.println("Usage: java -jar " + jar);
            out.println("Takes no arguments. Configured by environment variables, described in " + described + ":");
            out.println("  " + String.join(" ", variables));
            return OptionalInt.of(0);
        }
        err.println(program + ": takes no arguments, got " + args + "; it is configured by environment variables"
                + " (java -jar " + jar + " --help lists them)");
        return OptionalInt.of(2);
    }
}
