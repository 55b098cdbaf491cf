package dev.photoqueue.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of {@link DockerfileRules} against a Dockerfile that breaks it: none passes vacuously. */
class DockerfileRulesTest {

    private static final String BUILD = "FROM maven:3.9.9-eclipse-temurin-17 AS build";

    private static MavenModules modules;
    @TempDir
    Path dir;

    @BeforeAll
    static void readPoms() throws Exception {
        modules = new MavenModules(Path.of(".."));
    }

    @Test
    void refusesImagesNotPinnedToAnExactVersion() throws Exception {
        Dockerfile floating = write(BUILD.replace("3.9.9", "3.9"), "FROM eclipse-temurin:17-jre");
        assertFails(() -> DockerfileRules.assertBaseImagesPinned(floating), "maven:3.9-eclipse-temurin-17");
        assertFails(() -> DockerfileRules.assertPinned("eclipse-temurin:17-jre", "here"), "17-jre");
        assertFails(() -> DockerfileRules.assertPinned("apache/kafka:latest", "here"), "latest");
        assertFails(() -> DockerfileRules.assertPinned("apache/kafka", "here"), "apache/kafka");
        assertDoesNotThrow(() -> DockerfileRules.assertPinned("localhost:5000/kafka:4.3.1", "a registry port"));
        assertDoesNotThrow(() -> DockerfileRules.assertPinned("apache/kafka@sha256:" + "0".repeat(64), "a digest"));
        Dockerfile pinned = write(BUILD, "FROM eclipse-temurin:17.0.13_11-jre", "COPY --from=build /a /b");
        assertDoesNotThrow(() -> DockerfileRules.assertBaseImagesPinned(pinned));
    }

    @Test
    void refusesCopyingMoreThanThePomsBeforeResolving() throws Exception {
        Dockerfile wholeTree = write(BUILD, "COPY . .", "RUN mvn -B dependency:go-offline",
                "RUN mvn -B -o -pl worker -am package");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(wholeTree, modules), "copies . before");
        Dockerfile somePoms = write(BUILD, "COPY pom.xml ./", "COPY worker/pom.xml worker/",
                "RUN mvn -B -pl worker -am dependency:go-offline", "COPY queue-core/src queue-core/src",
                "COPY worker/src worker/src", "RUN mvn -B -o -pl worker -am package");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(somePoms, modules), "queue-core/pom.xml");
    }

    @Test
    void refusesABuildThatResolvesNothingFirst() throws Exception {
        Dockerfile direct = write(BUILD, "COPY . .", "RUN mvn -B -pl worker -am package");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(direct, modules), "resolves no dependencies");
    }

    @Test
    void refusesPackagingOnline() throws Exception {
        Dockerfile online = layered("worker", List.of("queue-core/src", "worker/src"), "");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(online, modules), "offline");
    }

    @Test
    void refusesABuildMissingTheSourcesOfAModuleItNeeds() throws Exception {
        Dockerfile noCore = layered("worker", List.of("worker/src"), "-o");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(noCore, modules), "[queue-core/src]");
        // upload-api's pom reads the sample photos from beside the modules
        Dockerfile noSamples = layered("upload-api", List.of("queue-core/src", "worker/src", "upload-api/src"), "-o");
        assertFails(() -> DockerfileRules.assertDependenciesLayerFirst(noSamples, modules), "[sample-images]");
        Dockerfile complete = layered("worker", List.of("queue-core/src", "worker/src"), "-o");
        assertDoesNotThrow(() -> DockerfileRules.assertDependenciesLayerFirst(complete, modules));
    }

    /** A build of {@code module} that copies all poms, resolves, copies {@code sources} and packages with {@code flag}. */
    private Dockerfile layered(String module, List<String> sources, String flag) throws Exception {
        List<String> lines = new ArrayList<>(List.of(BUILD, "COPY pom.xml ./"));
        modules.folders().forEach(f -> lines.add("COPY " + f + "/pom.xml " + f + "/"));
        lines.add("RUN mvn -B -pl " + module + " -am dependency:go-offline");
        sources.forEach(s -> lines.add("COPY " + s + " " + s));
        lines.add("RUN mvn -B " + flag + " -pl " + module + " -am package -DskipTests");
        return write(lines.toArray(String[]::new));
    }

    private Dockerfile write(String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "test", ".Dockerfile");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return Dockerfile.read(file);
    }

    private static void assertFails(Executable check, String messagePart) {
        AssertionError e = assertThrows(AssertionError.class, check);
        assertTrue(e.getMessage().contains(messagePart), "expected a message with '" + messagePart + "', was: "
                + e.getMessage());
    }
}
