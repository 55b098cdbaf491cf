package dev.photoqueue.upload.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run-time settings a user saved with {@code PUT /api/settings}, in {@code settings.json} in
 * the data directory, so that a restart (also after {@code kill -9}) runs the jobs waiting under
 * the guarantee the user chose. Guarantee: {@link #save} returns only once the new file and its
 * name are on disk; it writes a temporary file, forces it, renames it over the old one and forces
 * the directory, so a crash at any point leaves the old file or the new one, never a mix. The file
 * holds only the fields a {@code PUT} gave (as a JSON object of their wire values): a field never
 * saved follows the start-up default (its environment variable, else its default). Not
 * thread-safe: {@link SettingsService} calls it under its lock.
 */
public final class SettingsFile {

    public static final String FILE_NAME = "settings.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Path file;
    private final FileIO files;

    /** The settings file of the data directory {@code dataDir}, read and written through {@code files}. */
    public SettingsFile(Path dataDir, FileIO files) {
        this.dir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
        this.files = files;
    }

    public Path path() {
        return file;
    }

    /** The settings to start with and the fields saved in the file; both {@code defaults} when there is no file. */
    public record Loaded(RuntimeSettings settings, Map<String, Object> savedFields) {
        public Loaded {
            savedFields = Map.copyOf(savedFields);
        }
    }

    /**
     * {@code defaults} with the saved fields put over them; {@link SettingsFileException} naming
     * the file and the problem when it cannot be read, is not a JSON object, or holds an unknown
     * field or a value the settings refuse. A settings file is never ignored: a start with the
     * defaults instead of what the user saved would run the waiting jobs under another guarantee.
     */
    public Loaded load(RuntimeSettings defaults) {
        if (!files.exists(file)) {
            return new Loaded(defaults, Map.of());
        }
        Map<String, Object> saved;
        try {
            saved = JSON.readValue(files.readAllBytes(file), new TypeReference<TreeMap<String, Object>>() { });
        } catch (JacksonException e) {
            throw new SettingsFileException(file, "is not a JSON object of settings: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SettingsFileException(file, "cannot be read: " + e);
        }
        if (saved == null) {
            throw new SettingsFileException(file, "is not a JSON object of settings: it holds null");
        }
        try {
            RuntimeSettings settings = SettingsService.merge(defaults, saved);
            return new Loaded(settings, SettingsService.wireFields(settings, saved.keySet()));
        } catch (IllegalArgumentException e) {
            throw new SettingsFileException(file, "holds a setting that cannot run: " + e.getMessage());
        }
    }

    /**
     * Replaces the file by one holding {@code fields}; returns once it is durable.
     * {@link SettingsNotSavedException} naming the file when a write, force or rename fails: the
     * old file is then still in place, except after a failed force of the directory, which leaves
     * the new file renamed but perhaps not durable ({@link SettingsNotSavedException#fileReplaced()}:
     * the caller writes the old fields back).
     */
    public void save(Map<String, Object> fields) {
        Path temporary = dir.resolve(FILE_NAME + ".tmp");
        boolean replaced = false;
        try {
            files.createDirectories(dir);
            byte[] bytes = JSON.writeValueAsBytes(new TreeMap<>(fields));
            try (FileHandle out = files.open(temporary, OpenMode.TRUNCATE)) {
                out.writeFully(ByteBuffer.wrap(bytes), 0);
                out.force(true);
            }
            files.move(temporary, file);
            replaced = true;
            files.forceDirectory(dir);
        } catch (IOException e) {
            SettingsNotSavedException failure = new SettingsNotSavedException(file, e, replaced);
            try {
                files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /** The settings file cannot be used to start: it names the file and the problem. */
    public static final class SettingsFileException extends RuntimeException {
        SettingsFileException(Path file, String problem) {
            super("the settings file " + file + " " + problem + " (fix it, or delete it to start with the"
                    + " settings of the environment and the defaults)");
        }
    }

    /** The new settings could not be made durable; the settings in effect did not change. */
    public static final class SettingsNotSavedException extends RuntimeException {
        private final boolean fileReplaced;

        SettingsNotSavedException(Path file, IOException cause, boolean fileReplaced) {
            super("the settings could not be saved to " + file + ", nothing changed: " + cause, cause);
            this.fileReplaced = fileReplaced;
        }

        /** Whether the new file had been renamed into place (only its folder could not be forced). */
        public boolean fileReplaced() {
            return fileReplaced;
        }
    }
}
