package dev.photoqueue.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * sharp (libvips on Node), the image library most used on npm, run as a child process on the same
 * photos as the worker: {@code bench/sharp/thumbnails.mjs} makes the worker's three default
 * variants. The first time, the pinned {@code sharp} of {@code bench/sharp/package-lock.json} is
 * installed from the npm registry into {@code bench/target/sharp/} ({@code npm ci}); later runs
 * reuse it while the lockfile is unchanged.
 */
final class Sharp {

    private static final Pattern RESULT = Pattern.compile("\\{\"photos\":(\\d+),\"millis\":([0-9.]+)}");
    private static final long INSTALL_MINUTES = 10;
    private static final long RUN_MINUTES = 10;

    private final Path home;

    private Sharp(Path home) {
        this.home = home;
    }

    /**
     * sharp ready to run, or empty with the reason printed when Node or npm is not installed or
     * the install failed: the sharp rows are then left out, never guessed.
     */
    static Optional<Sharp> install() throws IOException, InterruptedException {
        Path sources = sources();
        if (!Files.isRegularFile(sources.resolve("thumbnails.mjs"))) {
            System.out.println("[sharp] skipped: no " + sources.resolve("thumbnails.mjs")
                    + " (run from the repository root)");
            return Optional.empty();
        }
        if (!runs(List.of("node", "--version")) || !runs(List.of("npm", "--version"))) {
            System.out.println("[sharp] skipped: node and npm are not on the PATH (Node.js 18 or newer runs sharp)");
            return Optional.empty();
        }
        Path home = sources.getParent().resolve("target").resolve("sharp");
        Files.createDirectories(home);
        boolean fresh = true;
        for (String file : List.of("package.json", "package-lock.json", "thumbnails.mjs")) {
            Path from = sources.resolve(file);
            Path to = home.resolve(file);
            if (!Files.exists(to) || Files.mismatch(from, to) != -1) {
                fresh = false;
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!fresh || !Files.isDirectory(home.resolve("node_modules").resolve("sharp"))) {
            System.out.println("[sharp] installing the pinned sharp into " + home + " (npm ci)");
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(home.toFile())
                    .inheritIO().start();
            if (!npm.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                System.out.println("[sharp] skipped: npm ci failed in " + home);
                return Optional.empty();
            }
        }
        return Optional.of(new Sharp(home));
    }

    /** {@code bench/sharp}: beside the jar's {@code target} folder, or under the working directory. */
    private static Path sources() {
        try {
            Path jar = Path.of(Sharp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path bench = jar.getParent().getParent();
            if (Files.isDirectory(bench.resolve("sharp"))) {
                return bench.resolve("sharp");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // not run from bench/target: fall back to the working directory
        }
        return Path.of("bench", "sharp").toAbsolutePath();
    }

    private static boolean runs(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Renders every file of {@code in} into {@code out} on {@code threads} threads (libuv's pool
     * sized to match, sharp's own concurrency 1); photos/s over the time from the first read to
     * the last write, as measured by the script (Node's start-up not counted, as the JVM's is not).
     */
    double render(Path in, Path out, int threads, int expected) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node", home.resolve("thumbnails.mjs").toString(),
                "--threads", String.valueOf(threads), "--in", in.toString(), "--out", out.toString())
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("UV_THREADPOOL_SIZE", String.valueOf(threads));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(RUN_MINUTES, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("sharp failed on " + in + ": " + output);
        }
        Matcher m = RESULT.matcher(output);
        if (!m.find() || Integer.parseInt(m.group(1)) != expected) {
            throw new IllegalStateException("sharp rendered not " + expected + " photos: " + output);
        }
        return expected / (Double.parseDouble(m.group(2)) / 1000);
    }
}
