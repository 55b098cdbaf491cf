package dev.photoqueue.worker;

import dev.photoqueue.worker.job.PhotoProcessed.ProcessedVariant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The files a {@link PhotoProcessor.Result} names, read from the blob store's {@code root}, in the result's order. */
final class ProcessedFiles {

    private ProcessedFiles() {
    }

    /** Each variant's bytes. */
    static List<byte[]> contents(Path root, PhotoProcessor.Result result) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (ProcessedVariant v : result.variants()) {
            out.add(Files.readAllBytes(root.resolve(v.path())));
        }
        return out;
    }

    /**
     * The file system's identity of each variant's file (device and inode on Linux): a rename over
     * it changes it. Fails where the file system reports none, rather than compare nulls.
     */
    static List<Object> fileKeys(Path root, PhotoProcessor.Result result) throws IOException {
        List<Object> out = new ArrayList<>();
        for (ProcessedVariant v : result.variants()) {
            Object key = Files.readAttributes(root.resolve(v.path()), BasicFileAttributes.class).fileKey();
            assertNotNull(key, "this file system reports no file keys");
            out.add(key);
        }
        return out;
    }
}
