package dev.photoqueue.upload.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;
import dev.photoqueue.worker.WorkerVersion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run-time settings a user saved with {@code PUT /api/settings}, in {@code settings.json} in
 * the data directory, so that a restart (also after {@code kill -9}) runs the jobs waiting under
 * the guarantee the user chose. Guarantee: {@link #save} returns only once the new file and its
 * name are on disk; it writes a temporary file, forces it, renames it over the old one and forces
 * the directory, so a crash at any point leaves the old file or the new one, never a mix. The file
 * holds only the fields a {@code PUT} gave (as a JSON object of their wire values): a field never
 * saved follows the start-up default (its environment variable, else its default). Beside it,
 * {@code worker-versions.json} holds the worker versions that ran and since when, written the same
 * way, so that "replay from the start of v2" survives a restart. Not thread-safe:
 * {@link SettingsService} calls it under its lock.
 */
public final class SettingsFile {

    public static final String FILE_NAME = "settings.json";
    /** The worker versions that ran, oldest first: a JSON array of {@code {"version", "since"}}. */
    public static final String VERSION_RUNS_FILE_NAME = "worker-versions.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Path file;
    private final Path versionRunsFile;
    private final FileIO files;

    /** The settings file of the data directory {@code dataDir}, read and written through {@code files}. */
    public SettingsFile(Path dataDir, FileIO files) {
        this.dir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
        this.versionRunsFile = dataDir.resolve(VERSION_RUNS_FILE_NAME);
        this.files = files;
    }

    public Path path() {
        return file;
    }

    /**
     * The settings to start with, the fields saved in the file (none when there is no file), and the
     * worker versions that ran before, oldest first (none when there is no such file).
     */
    public record Loaded(RuntimeSettings settings, Map<String, Object> savedFields,
                         List<SettingsService.VersionRun> versionRuns) {
        public Loaded {
            savedFields = Map.copyOf(savedFields);
            versionRuns = List.copyOf(versionRuns);
        }
    }

    /**
     * {@code defaults} with the saved fields put over them; {@link SettingsFileException} naming
     * the file and the problem when it cannot be read, is not a JSON object, or holds an unknown
     * field or a value the settings refuse. A settings file is never ignored: a start with the
     * defaults instead of what the user saved would run the waiting jobs under another guarantee.
     */
    public Loaded load(RuntimeSettings defaults) {
        List<SettingsService.VersionRun> runs = loadVersionRuns();
        if (!files.exists(file)) {
            return new Loaded(defaults, Map.of(), runs);
        }
        Map<String, Object> saved;
        try {
            saved = JSON.readValue(files.readAllBytes(file), new TypeReference<TreeMap<String, Object>>() { });
        } catch (JacksonException e) {
            throw new SettingsFileException(file, "is not a JSON object of settings: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SettingsFileException(file, "cannot be read: " + StorageException.reason(file.toString(), e));
        }
        if (saved == null) {
            throw new SettingsFileException(file, "is not a JSON object of settings: it holds null");
        }
        try {
            RuntimeSettings settings = SettingsService.merge(defaults, saved);
            return new Loaded(settings, SettingsService.wireFields(settings, saved.keySet()), runs);
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
        replace(file, new TreeMap<>(fields));
    }

    /** Replaces the worker versions file by one holding {@code runs}, as {@link #save} does the settings file. */
    public void saveVersionRuns(List<SettingsService.VersionRun> runs) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (SettingsService.VersionRun run : runs) {
            entries.add(Map.of("version", run.version().wireName(), "since", run.since().toString()));
        }
        replace(versionRunsFile, entries);
    }

    /**
     * The worker versions that ran, oldest first; none without the file. {@link SettingsFileException}
     * naming the file and the entry when it is not an array of known versions with an ISO-8601 time.
     */
    private List<SettingsService.VersionRun> loadVersionRuns() {
        if (!files.exists(versionRunsFile)) {
            return List.of();
        }
        List<Map<String, Object>> entries;
        try {
            entries = JSON.readValue(files.readAllBytes(versionRunsFile), new TypeReference<>() { });
        } catch (JacksonException e) {
            throw new SettingsFileException(versionRunsFile, "is not a JSON array of worker versions: "
                    + e.getOriginalMessage(), VERSION_RUNS_REMEDY);
        } catch (IOException e) {
            throw new SettingsFileException(versionRunsFile, "cannot be read: "
                    + StorageException.reason(versionRunsFile.toString(), e), VERSION_RUNS_REMEDY);
        }
        if (entries == null) {
            throw new SettingsFileException(versionRunsFile, "is not a JSON array of worker versions: it holds null",
                    VERSION_RUNS_REMEDY);
        }
        List<SettingsService.VersionRun> runs = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            if (entry == null || !(entry.get("version") instanceof String version)
                    || !(entry.get("since") instanceof String since)) {
                throw new SettingsFileException(versionRunsFile, VERSION_RUNS_PROBLEM + entry, VERSION_RUNS_REMEDY);
            }
            try {
                runs.add(new SettingsService.VersionRun(WorkerVersion.parse("version", version), Instant.parse(since)));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new SettingsFileException(versionRunsFile, VERSION_RUNS_PROBLEM + entry + " (" + e.getMessage()
                        + ")", VERSION_RUNS_REMEDY);
            }
        }
        return runs;
    }

    /**
     * Writes {@code content} as JSON to a temporary file, forces it, renames it over {@code target}
     * and forces the folder: a crash at any point leaves the old file or the new one.
     */
    private void replace(Path target, Object content) {
        Path temporary = dir.resolve(target.getFileName() + ".tmp");
        boolean replaced = false;
        try {
            files.createDirectories(dir);
            byte[] bytes = JSON.writeValueAsBytes(content);
            try (FileHandle out = files.open(temporary, OpenMode.TRUNCATE)) {
                out.writeFully(ByteBuffer.wrap(bytes), 0);
                out.force(true);
            }
            files.move(temporary, target);
            replaced = true;
            files.forceDirectory(dir);
        } catch (IOException e) {
            SettingsNotSavedException failure = new SettingsNotSavedException(target, e, replaced);
            try {
                files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    private static final String VERSION_RUNS_PROBLEM = "holds an entry that is not {\"version\", \"since\"} of a"
            + " worker version and the ISO-8601 time it started: ";
    private static final String VERSION_RUNS_REMEDY = "fix it, or delete it to begin the list of worker versions"
            + " again with the one that starts";

    /** A settings file cannot be used to start: it names the file, the problem and what to do. */
    public static final class SettingsFileException extends RuntimeException {
        SettingsFileException(Path file, String problem) {
            this(file, problem, "fix it, or delete it to start with the settings of the environment and the defaults");
        }

        SettingsFileException(Path file, String problem, String remedy) {
            super("the settings file " + file + " " + problem + " (" + remedy + ")");
        }
    }

    /** The new settings could not be made durable; the settings in effect did not change. */
    public static final class SettingsNotSavedException extends RuntimeException {
        private final boolean fileReplaced;

        SettingsNotSavedException(Path file, IOException cause, boolean fileReplaced) {
            super("the settings could not be saved to " + file + ", nothing changed: "
                    + StorageException.reason(file.toString(), cause), cause);
            this.fileReplaced = fileReplaced;
        }

        /** Whether the new file had been renamed into place (only its folder could not be forced). */
        public boolean fileReplaced() {
            return fileReplaced;
        }
    }
}
