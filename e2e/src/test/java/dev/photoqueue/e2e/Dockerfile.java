package dev.photoqueue.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The instructions of a Dockerfile, for checks that need no Docker engine: lines continued with a
 * backslash are joined, comments dropped, and the file split into its build stages at each FROM.
 */
record Dockerfile(Path file, List<Stage> stages) {

    /** One instruction: its keyword upper-cased, its arguments as written, the line it starts on. */
    record Instruction(String keyword, String arguments, int line) {

        /** The arguments split on white space. */
        List<String> words() {
            return Arrays.asList(arguments.trim().split("\\s+"));
        }
    }

    /** A build stage: its FROM and the instructions after it. */
    record Stage(Instruction from, List<Instruction> instructions) {

        /** The image the stage starts from, without {@code AS name}. */
        String image() {
            return from.words().stream().filter(w -> !w.startsWith("--")).findFirst().orElse("");
        }

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    static Dockerfile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        Instruction from = null;
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue; // comments and blank lines, even inside a continued instruction, are no part of it
            }
            if (pending.isEmpty()) {
                start = n + 1;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String text = pending.toString().strip();
            pending.setLength(0);
            int space = text.indexOf(' ');
            Instruction instruction = new Instruction(
                    (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT),
                    space < 0 ? "" : text.substring(space + 1).strip(), start);
            if (instruction.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(new Stage(from, List.copyOf(current)));
                }
                from = instruction;
                current = new ArrayList<>();
            } else if (from == null) {
                if (!instruction.keyword().equals("ARG")) {
                    throw new IOException(file + ":" + start + ": " + instruction.keyword() + " before the first FROM");
                }
            } else {
                current.add(instruction);
            }
        }
        if (from == null) {
            throw new IOException(file + " has no FROM");
        }
        stages.add(new Stage(from, List.copyOf(current)));
        return new Dockerfile(file, List.copyOf(stages));
    }

    /** The names given to stages with {@code FROM image AS name}, lower-cased as Docker compares them. */
    List<String> stageNames() {
        List<String> names = new ArrayList<>();
        for (Stage stage : stages) {
            List<String> words = stage.from().words();
            for (int i = 0; i + 1 < words.size(); i++) {
                if (words.get(i).equalsIgnoreCase("AS")) {
                    names.add(words.get(i + 1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Every instruction of every stage with {@code keyword}. */
    List<Instruction> all(String keyword) {
        return stages.stream().flatMap(s -> s.all(keyword).stream()).toList();
    }
}
