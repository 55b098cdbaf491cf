package dev.photoqueue.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repository with its jars built, as the integration tests run them: found through the
 * {@code project.root} system property this module's failsafe configuration sets.
 */
final class BuiltProject {

    private BuiltProject() {
    }

    /**
     * The repository root, once each of {@code jars} (paths from the root) is a built file; otherwise
     * skips the calling test or class, naming what is missing and what to run.
     */
    static Path rootWith(String... jars) {
        String path = System.getProperty("project.root");
        assumeTrue(path != null, "project.root not set; run mvn verify");
        Path root = Path.of(path).toAbsolutePath().normalize();
        for (String jar : jars) {
            assumeTrue(Files.isRegularFile(root.resolve(jar)), jar + " not built; run mvn verify");
        }
        return root;
    }

    /** A TCP port no one listened on at the time of the call. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** This JVM's java launcher, to start a built jar with. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
