package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pq generate-completion}: the script it prints, sourced by a real bash, completes pq's
 * commands, options and option values as a user's TAB would.
 */
class CompletionTest {

    private static final Path BASH = Path.of("/bin/bash");

    @TempDir
    Path dir;

    @Test
    void theGeneratedScriptCompletesCommandsOptionsAndModesInBash() throws Exception {
        assumeTrue(Files.isExecutable(BASH), "no bash at " + BASH);
        PqRun.Result script = pq("generate-completion");
        assertEquals(0, script.exit(), script.err());
        assertEquals("", script.err());
        Path file = dir.resolve("pq.bash");
        Files.writeString(file, script.out());

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("pq con", "consume");
        expected.put("pq dlq ", "list show redrive help");
        expected.put("pq dlq show --o", "--offset");
        expected.put("pq consume --mode ", "ordered shared");
        expected.put("pq reset-offsets --to-", "--to-earliest --to-latest --to-offset --to-datetime");
        expected.put("pq topics --b", "--bootstrap-server");
        for (Map.Entry<String, String> line : expected.entrySet()) {
            assertEquals(line.getValue(), complete(file, line.getKey()), "completing '" + line.getKey() + "'");
        }
    }

    @Test
    void extraArgumentsAreABadCommandLineNamingThemAndPrintNoScript() {
        PqRun.Result r = pq("generate-completion", "bash", "zsh");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals("pq: unexpected arguments 'bash' and 'zsh' for generate-completion; options start with --",
                r.errLines().get(0), r.toString());
        assertTrue(r.errLines().get(1).startsWith("Usage: pq generate-completion "), r.toString());
    }

    /** What bash offers for the command line typed so far, as the completion function leaves it. */
    private String complete(Path script, String typed) throws IOException, InterruptedException {
        // compopt only works inside a completion bash started itself; the words and cursor are set as bash would.
        String program = "compopt() { :; }\n"
                + "source '" + script + "'\n"
                + "COMP_LINE='" + typed + "'; COMP_POINT=${#COMP_LINE}\n"
                + "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
                + "[[ \"$COMP_LINE\" == *' ' ]] && COMP_WORDS+=('')\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "_complete_pq\n"
                + "echo \"${COMPREPLY[*]}\"\n";
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> command = new ArrayList<>(List.of(BASH.toString(), "-c", program));
        Process bash = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            fail("bash did not complete '" + typed + "' within 30 s");
        }
        assertEquals(0, bash.exitValue(), Files.readString(err));
        assertEquals("", Files.readString(err));
        return Files.readString(out).strip();
    }
}
