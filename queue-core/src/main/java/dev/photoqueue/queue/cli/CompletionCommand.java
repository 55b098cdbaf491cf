package dev.photoqueue.queue.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * {@code pq generate-completion}: prints the bash completion script picocli writes for the whole
 * command tree, on stdout with exit status 0. pq's own command rather than picocli's
 * {@link AutoComplete.GenerateCompletion}, which is a help command and so took any words after its
 * name silently; here they are a usage error (exit 2) naming them, as for every other command.
 */
@Command(name = "generate-completion", header = "Prints a bash (and zsh) completion script for pq.",
        description = {
            "Prints a script that gives pq TAB completion of its commands, options and option values in bash "
                    + "(and in zsh, after 'autoload -U bashcompinit && bashcompinit'). To use it in the current shell:",
            "",
            "  source <(pq generate-completion)"})
final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandSpec root = spec.root();
        PrintWriter out = spec.commandLine().getOut();
        // A bare \n, not println: a script with Windows line ends fails in bash in odd ways.
        out.print(AutoComplete.bash(root.name(), root.commandLine()));
        out.print('\n');
        out.flush();
    }
}
