package dev.photoqueue.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The disk's own sequential write rate as {@code dd} measures it: 1 GiB of zeros in 1 MiB blocks,
 * forced with {@code fdatasync} before dd stops its clock. The file is deleted afterwards.
 */
final class DiskWriteRate {

    /** dd's summary line, e.g. {@code 1073741824 bytes (1.1 GB, 1.0 GiB) copied, 2.1 s, 511 MB/s}. */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) bytes .*copied, ([0-9.]+) s");

    private DiskWriteRate() {
    }

    /** MB/s, MB being 10^6 bytes, computed from dd's byte count and seconds. */
    static double measure(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("dd.tmp");
        ProcessBuilder builder = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=1024",
                "conv=fdatasync").redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        String output;
        int exit;
        try {
            Process dd = builder.start();
            output = new String(dd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            exit = dd.waitFor();
        } finally {
            Files.deleteIfExists(file);
        }
        if (exit != 0) {
            throw new IOException("dd writing " + file + " exited with " + exit + ": " + output.strip());
        }
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) {
            throw new IOException("cannot read dd's summary for " + file + " in: " + output.strip());
        }
        long bytes = Long.parseLong(m.group(1));
        double seconds = Double.parseDouble(m.group(2));
        return bytes / seconds / 1e6;
    }
}
