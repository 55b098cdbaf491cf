package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A program configured by its environment starts without arguments, lists its variables at --help, refuses others. */
class ProgramArgumentsTest {

    private final ProgramArguments arguments = new ProgramArguments("worker", "worker.jar",
            Set.of("PQ_BLOB_DIR", "QUEUE_BACKEND"), "worker/README.md");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt check(String... args) {
        return arguments.check(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsStartsTheProgramAndPrintsNothing() {
        assertEquals(OptionalInt.empty(), check());
        assertEquals("", out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryVariableAndWhereItIsDescribedThenEndsWithZero() {
        for (String help : new String[] {"--help", "-h"}) {
            out.reset();
            assertEquals(OptionalInt.of(0), check(help));
            String usage = out.toString(StandardCharsets.UTF_8);
            assertTrue(usage.startsWith("Usage: java -jar worker.jar"), usage);
            assertTrue(usage.contains("PQ_BLOB_DIR") && usage.contains("QUEUE_BACKEND")
                    && usage.contains("worker/README.md"), usage);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anyOtherArgumentIsRefusedWithTwoNamingIt() {
        assertEquals(OptionalInt.of(2), check("--port", "9090"));
        assertEquals(OptionalInt.of(2), check("--help", "extra"));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("worker: takes no arguments, got [--port, 9090]"), message);
        assertTrue(message.contains("worker.jar --help"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
