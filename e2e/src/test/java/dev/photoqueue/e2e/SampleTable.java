package dev.photoqueue.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table of {@code sample-images/README.md}: each sample file and what must become of it. An
 * outcome cell starts with {@code `DONE`}, {@code `DEAD_LETTERED`} (then {@code reason X}: the
 * error names X), or an HTTP status the upload itself must get ({@code `415`}).
 */
final class SampleTable {

    /** One row: the file and its expected outcome. */
    record Sample(Path file, String status, int uploadStatus, String reason) {

        boolean refusedAtUpload() {
            return uploadStatus != 202;
        }
    }

    private static final Pattern ROW = Pattern.compile("^\\|\\s*([^|]+?)\\s*\\|[^|]*\\|[^|]*\\|\\s*`([A-Z_0-9]+)`(.*)\\|\\s*$");
    private static final Pattern REASON = Pattern.compile("reason ([a-z -]+)");

    private SampleTable() {
    }

    static List<Sample> read(Path dir) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Path file = dir.resolve(m.group(1));
            String outcome = m.group(2);
            if (outcome.chars().allMatch(Character::isDigit)) {
                samples.add(new Sample(file, null, Integer.parseInt(outcome), null));
                continue;
            }
            Matcher reason = REASON.matcher(m.group(3));
            samples.add(new Sample(file, outcome, 202, reason.find() ? reason.group(1).trim() : null));
        }
        return samples;
    }
}
