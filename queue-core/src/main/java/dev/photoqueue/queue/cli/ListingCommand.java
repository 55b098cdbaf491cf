package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.QueueBackend;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A command without options that prints one table of what the Admin API lists for an existing
 * queue, or, when it lists nothing, says so on stderr ("no topics in ...") so that stdout holds
 * tables only. Stateless like every command: the name, header and noun are fixed per subclass.
 */
abstract class ListingCommand implements Command {

    private final String name;
    private final List<String> header;
    private final String listed;

    /** {@code listed} names what is listed, plural, for the message when there is none ("topics"). */
    ListingCommand(String name, List<String> header, String listed) {
        this.name = name;
        this.header = List.copyOf(header);
        this.listed = listed;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Set<Option> options() {
        return EnumSet.noneOf(Option.class);
    }

    @Override
    public final int run(Arguments args, Terminal terminal) {
        try (QueueBackend backend = DataDirectory.open(args, true)) {
            List<List<String>> rows = rows(backend.admin());
            Table.printOrSay(header, rows, "no " + listed + " in " + args.location(), terminal);
            return Pq.EXIT_OK;
        }
    }

    /** The table's rows, each as long as the header, in the order {@code admin} lists them. */
    abstract List<List<String>> rows(Admin admin);
}
