package dev.photoqueue.upload;

import dev.photoqueue.queue.testing.ChildJvm;
import dev.photoqueue.queue.testing.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upload API's {@code main} in a JVM of its own: {@code --help} lists the environment
 * variables and ends, and a flag it does not take ends it with status 2 before it starts a server
 * that would ignore the flag (without the check, the child would start and never end).
 */
class AppArgumentsTest {

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    @Test
    void helpListsTheEnvironmentVariablesAndStartsNothing() throws IOException {
        ChildJvm child = children.start(App.class, "--help");
        assertTrue(child.firstLine().startsWith("Usage: java -jar upload-api.jar"), child.toString());
        String variables = child.awaitLine(line -> line.contains("DATA_DIR"), "the list of variables");
        assertTrue(variables.contains("PORT") && variables.contains("QUEUE_BACKEND"), variables);
        assertEquals(0, child.awaitExit());
    }

    @Test
    void aFlagItDoesNotTakeEndsItWithTwoInsteadOfStartingAServer() throws IOException {
        assertEquals(2, children.start(App.class, "--port", "9090").awaitExit());
    }
}
