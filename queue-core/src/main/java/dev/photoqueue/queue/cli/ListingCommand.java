package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.QueueBackend;

import java.util.List;

/**
 * A command without options of its own that prints one table of what the Admin API lists for an
 * existing queue, or, when it lists nothing, says so on stderr ("no topics in ...") so that stdout
 * holds tables only. The header and noun are fixed per subclass.
 */
abstract class ListingCommand extends QueueCommand {

    private final List<String> header;
    private final String listed;

    /** {@code listed} names what is listed, plural, for the message when there is none ("topics"). */
    ListingCommand(Terminal terminal, List<String> header, String listed) {
        super(terminal);
        this.header = List.copyOf(header);
        this.listed = listed;
    }

    @Override
    final int run() {
        try (QueueBackend backend = queue.open(true)) {
            List<List<String>> rows = rows(backend.admin());
            Table.printOrSay(header, rows, "no " + listed + " in " + queue.location(), terminal);
            return Pq.EXIT_OK;
        }
    }

    /** The table's rows, each as long as the header, in the order {@code admin} lists them. */
    abstract List<List<String>> rows(Admin admin);
}
