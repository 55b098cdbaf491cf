package dev.photoqueue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlTreeTest {

    @TempDir
    Path dir;

    @Test
    void resolvesAliasesAndMergeKeysWithTheMappingsOwnKeysWinning() throws Exception {
        JsonNode tree = read("""
                x-base: &base
                  image: kafka:1.2.3
                  restart: "no"
                  healthcheck: {test: ["CMD", "true"]}
                x-env: &env
                  A: "1"
                  B: "2"
                services:
                  one:
                    <<: *base
                    restart: always
                    environment:
                      <<: *env
                      B: "3"
                  two:
                    <<: [*base]
                    tags: [*env]
                """);
        JsonNode one = tree.path("services").path("one");
        assertEquals("kafka:1.2.3", one.path("image").asText());
        assertEquals("always", one.path("restart").asText());
        assertEquals("true", one.path("healthcheck").path("test").get(1).asText());
        assertEquals("1", one.path("environment").path("A").asText());
        assertEquals("3", one.path("environment").path("B").asText());
        assertFalse(one.has("<<"));
        JsonNode two = tree.path("services").path("two");
        assertEquals("no", two.path("restart").asText());
        assertEquals("2", two.path("tags").get(0).path("B").asText());
    }

    @Test
    void refusesAnAliasOfNoAnchor() throws Exception {
        IOException e = assertThrows(IOException.class, () -> read("a:\n  <<: *nowhere\n"));
        assertTrue(e.getMessage().contains("*nowhere"), e.getMessage());
    }

    private JsonNode read(String yaml) throws IOException {
        return YamlTree.read(Files.writeString(dir.resolve("compose.yml"), yaml));
    }
}
