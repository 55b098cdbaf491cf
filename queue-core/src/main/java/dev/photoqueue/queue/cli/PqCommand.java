package dev.photoqueue.queue.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code pq} itself, the root of the command tree {@link Pq} builds: its help lists the commands,
 * and its {@code --help} and {@code --version} are inherited by every command. Run without a
 * command, it is a usage error.
 */
@Command(name = "pq", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = PqCommand.Version.class, sortOptions = false, sortSynopsis = false,
        synopsisSubcommandLabel = "COMMAND", synopsisHeading = "Usage: ", descriptionHeading = "%n",
        optionListHeading = "%nOptions:%n", parameterListHeading = "%nArguments:%n",
        description = {
            "pq, the queue's command-line tool. Works on the in-house queue in DIR (--data-dir, default " + QueueLocation.DEFAULT_DATA_DIR
                    + "), like Kafka's console tools, or with --bootstrap-server on a Kafka cluster (every "
                    + "command but dump). Every command that opens the queue (all but dump, help and "
                    + "generate-completion) needs DIR to itself: no other process may own it then.",
            "",
            "Data goes to stdout; summaries, warnings and errors (one 'pq: ' line) to stderr."},
        commandListHeading = "%nCommands ('pq COMMAND --help' describes one):%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:queue error or corrupt data", "2:bad command line"})
final class PqCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given");
    }

    /** "pq 1.2.3" from pq.jar's manifest; a build without one (classes on a class path) says so. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PqCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pq " + (version == null ? "(development build: no version outside pq.jar)" : version)};
        }
    }
}
