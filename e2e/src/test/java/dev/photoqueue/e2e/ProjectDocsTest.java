package dev.photoqueue.e2e;

import dev.photoqueue.upload.config.AppConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and the documents it links to, checked against the code and against each other: the
 * configuration table names every variable the upload API reads, the test command is the one CI
 * runs, and every relative link (file and heading) leads somewhere.
 */
class ProjectDocsTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern TABLE_VARIABLE = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\|");

    @Test
    void theConfigurationTableListsEveryVariableTheUploadApiReads() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        Set<String> listed = new TreeSet<>();
        for (String line : section(readme, "## Configuration")) {
            Matcher m = TABLE_VARIABLE.matcher(line);
            if (m.find()) {
                listed.add(m.group(1));
            }
        }
        Set<String> read = new TreeSet<>(AppConfig.variableNames());
        // CONFIG_FILE names the properties file itself; the paragraph above the table explains it.
        read.remove(AppConfig.CONFIG_FILE);
        assertEquals(read, listed, "README.md's configuration table against AppConfig.variableNames()");
        assertTrue(String.join("\n", section(readme, "## Configuration")).contains("`" + AppConfig.CONFIG_FILE + "`"),
                "README.md's configuration section explains " + AppConfig.CONFIG_FILE);
    }

    @Test
    void theReadmeTestCommandIsTheOneCiRuns() throws IOException {
        List<String> twoCommands = section(Files.readAllLines(ROOT.resolve("README.md")), "## The two commands");
        int open = twoCommands.indexOf("```sh");
        assertTrue(open >= 0, "README.md's \"The two commands\" has no ```sh block");
        String readmeCommand = twoCommands.get(open + 1);
        List<String> ciCommands = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
                .map(String::strip).filter(l -> l.startsWith("mvn ") && !l.startsWith("mvn -version"))
                .collect(Collectors.toList());
        assertEquals(List.of(readmeCommand), ciCommands, "the mvn commands .ci/run runs against the README's first command");
    }

    @Test
    void everyRelativeLinkInTheDocsLeadsToAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> documents = markdownFiles();
        assertTrue(documents.contains(ROOT.resolve("README.md").normalize()), "found " + documents);
        for (Path doc : documents) {
            for (String target : links(Files.readAllLines(doc))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto: are not checked here
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !headingAnchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading; headings: "
                            + headingAnchors(linked) + ")");
                }
            }
        }
        assertEquals(List.of(), broken, "links that lead nowhere");
    }

    /** The lines of the section that starts with {@code heading}, up to the next heading of its level or higher. */
    private static List<String> section(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "README.md has no \"" + heading + "\" section");
        int level = heading.indexOf(' ');
        List<String> body = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            int hashes = line.indexOf(' ');
            if (line.startsWith("#") && hashes > 0 && hashes <= level && line.substring(0, hashes).matches("#+")) {
                break;
            }
            body.add(line);
        }
        return body;
    }

    /** The project's Markdown files, outside build output, dependencies and hidden folders. */
    private static List<Path> markdownFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        Path root = ROOT.normalize();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(root)
                        && (name.equals("target") || name.equals("node_modules") || name.startsWith("."));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.toString().endsWith(".md")) {
                    found.add(file.normalize());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(null);
        return found;
    }

    /** Link targets outside fenced code blocks. */
    private static List<String> links(List<String> lines) {
        List<String> targets = new ArrayList<>();
        boolean code = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code) {
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub makes of a document's headings: lower case, punctuation dropped, spaces to hyphens. */
    private static Set<String> headingAnchors(Path doc) throws IOException {
        Set<String> anchors = new TreeSet<>();
        boolean code = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && line.matches("^#{1,6} .*")) {
                String text = line.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT);
                anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
