package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A file pq cannot use, in a data directory or as its input, ends the command with exit status 1
 * and one line saying in words what failed, the path and why, never a Java exception's type.
 */
class FileErrorWordsTest {

    @TempDir
    Path dir;

    private Path dataDir() {
        return dir.resolve("queue");
    }

    private void produceTwoRecords() {
        PqRun.Result r = pqWithInput("a\nb\n", "produce", "--data-dir", dataDir().toString(), "--topic", "t");
        assertEquals(0, r.exit(), r.toString());
    }

    private void assertEveryOpeningCommandFailsWith(String errorLine) {
        for (List<String> args : PqRun.QUEUE_OPENING_COMMANDS) {
            PqRun.Result r = pqWithInput("c\n", Stream.concat(args.stream(), Stream.of("--data-dir",
                    dataDir().toString())).toArray(String[]::new));
            assertEquals(1, r.exit(), args + ": " + r);
            assertEquals("", r.out(), args + ": " + r);
            assertEquals(List.of(errorLine), r.errLines(), args + ": " + r);
        }
    }

    @Test
    void aFileWhereAPartitionDirectoryShouldBeIsNamedAsAFileNotADirectory() throws IOException {
        produceTwoRecords();
        Path partition = dataDir().resolve("t").resolve("0");
        deleteTree(partition);
        Files.writeString(partition, "not a directory");

        assertEveryOpeningCommandFailsWith("pq: cannot create partition directory " + partition
                + ": it is a file, not a directory");
    }

    @Test
    void aSegmentWhoseFileLeadsNowhereSaysNoSuchFileOrDirectory() throws IOException {
        Path segment = danglingLinkInPlaceOf("00000000000000000000.log");

        assertEveryOpeningCommandFailsWith("pq: cannot open segment " + segment + ": no such file or directory");
    }

    /** A dangling link is a missing file, not a segment retention deleted while dump read it. */
    @Test
    void dumpOfASegmentWhoseFileLeadsNowhereSaysNoSuchFileOrDirectoryNamingIt() throws IOException {
        Path segment = danglingLinkInPlaceOf("00000000000000000000.log");

        PqRun.Result r = PqRun.pq("dump", "--data-dir", dataDir().toString(), "--topic", "t");

        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(List.of("pq: cannot read segment " + segment + ": no such file or directory"), r.errLines());
    }

    @Test
    void anIndexWhoseFileLeadsNowhereNamesItOnceWithTheSystemsReason() throws IOException {
        Path index = danglingLinkInPlaceOf("00000000000000000000.index");

        assertEveryOpeningCommandFailsWith("pq: cannot open index " + index + ": No such file or directory");
    }

    /** Partition t-0 with two records, its file {@code name} replaced by a symbolic link that leads nowhere. */
    private Path danglingLinkInPlaceOf(String name) throws IOException {
        produceTwoRecords();
        Path file = dataDir().resolve("t").resolve("0").resolve(name);
        Files.delete(file);
        Files.createSymbolicLink(file, dir.resolve("removed").resolve(name));
        return file;
    }

    @Test
    void produceFromADirectoryOnStandardInputSaysWhyItCannotReadIt() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("input"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (InputStream in = Files.newInputStream(notAFile)) {
            exit = Pq.run(new String[] {"produce", "--data-dir", dataDir().toString(), "--topic", "t"}, in,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        }
        assertEquals(1, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("created topic t with 1 partition",
                        "pq: cannot read standard input: Is a directory; 0 records before it were written to t"),
                err.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    /**
     * No command lets an {@link UncheckedIOException} out today (the queue words its I/O errors as
     * StorageExceptions), so this is {@link Pq#failed} itself, on a real missing file's error.
     */
    @Test
    void anUncheckedIoErrorIsWordedWithItsPathNotItsType() {
        Path missing = dir.resolve("x").resolve("y");
        NoSuchFileException noSuchFile = assertThrows(NoSuchFileException.class,
                () -> Files.readAttributes(missing, BasicFileAttributes.class));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Pq.failed(new UncheckedIOException(noSuchFile), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(1, exit);
        assertEquals("pq: cannot access " + missing + ": no such file or directory" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
