package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.env.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topics of a data directory as directories: their names, their {@code topic.properties},
 * and their creation.
 *
 * <p>Guarantee: a topic directory exists whole, with its settings and every partition directory,
 * or not at all. It is built under a staging name and renamed into place (the commit point);
 * a staging directory left by a crash is deleted at the next {@link #list}. Stateless; the
 * caller serialises creations.
 */
final class TopicDirectories {

    /** Logs as the manager, so log settings for {@link LogManager} still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    /** Marks a topic directory being created; short, so that the longest topic name still fits a file name. */
    private static final String CREATING_PREFIX = "~";
    /** Names in the data directory that belong to the log itself. */
    private static final Set<String> RESERVED_NAMES = Set.of(LogFiles.LOCK_FILE, LogFiles.CLEAN_SHUTDOWN,
            LogFiles.CLEAN_SHUTDOWN + LogFiles.TEMP_SUFFIX);
    static final String PARTITIONS_KEY = "partitions";
    private static final int MAX_TOPIC_NAME = 249;

    /** A topic's {@code topic.properties}: its partition count and the settings it overrides. */
    record TopicSettings(int partitions, Map<String, String> overrides) {
    }

    private TopicDirectories() {
    }

    /** {@link InvalidTopicException} naming the name and what is wrong with it. */
    static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException(String.valueOf(name), "must not be empty");
        }
        if (name.length() > MAX_TOPIC_NAME) {
            throw new InvalidTopicException(name, "longer than " + MAX_TOPIC_NAME + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException(name, "'.' and '..' are not topic names");
        }
        if (RESERVED_NAMES.contains(name)) {
            throw new InvalidTopicException(name, "reserved for the data directory's own files " + RESERVED_NAMES);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new InvalidTopicException(name, "character '" + c + "' at " + i
                        + " is not allowed; use letters, digits, '.', '_' and '-'");
            }
        }
    }

    /**
     * The topic directories of {@code dataDir}, those with a {@code topic.properties}. Deletes what
     * an interrupted creation left; reports other directories once and leaves them alone.
     */
    static List<Path> list(FileIO io, Path dataDir) {
        List<Path> topics = new ArrayList<>();
        try {
            for (Path entry : io.list(dataDir)) {
                String name = entry.getFileName().toString();
                if (!io.isDirectory(entry)) {
                    continue;
                }
                if (name.startsWith(CREATING_PREFIX)) {
                    deleteTree(io, entry);
                } else if (io.exists(entry.resolve(LogFiles.TOPIC_PROPERTIES))) {
                    topics.add(entry);
                } else {
                    LOG.warn("ignoring foreign directory {} in data directory {}: it has no {}", entry, dataDir,
                            LogFiles.TOPIC_PROPERTIES);
                }
            }
        } catch (IOException e) {
            throw new StorageException(dataDir.toString(), "list data directory", e);
        }
        return topics;
    }

    /**
     * Creates {@code dataDir/name} with {@code partitions} partition directories and its settings,
     * all forced, then renamed into place; returns the topic directory.
     */
    static Path create(FileIO io, Path dataDir, String name, int partitions, Map<String, String> overrides) {
        Path staging = dataDir.resolve(CREATING_PREFIX + name);
        Path topicDir = dataDir.resolve(name);
        try {
            deleteTree(io, staging);
            io.createDirectories(staging);
            for (int p = 0; p < partitions; p++) {
                io.createDirectories(staging.resolve(Integer.toString(p)));
            }
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(PARTITIONS_KEY, Integer.toString(partitions));
            settings.putAll(overrides);
            // Forces the staging directory too: its partition directories and settings are durable.
            LogFiles.writeAtomically(io, staging.resolve(LogFiles.TOPIC_PROPERTIES), toProperties(settings));
            // The rename is the commit point: before it the topic does not exist, after it it is whole.
            io.move(staging, topicDir);
            LogFiles.forceDirectory(io, dataDir);
        } catch (IOException e) {
            throw new StorageException(topicDir.toString(), "create topic", e);
        }
        return topicDir;
    }

    /**
     * Reads the {@code topic.properties} of {@code topicDir}; also used by the read-only tools.
     * {@link InvalidConfigException} when it does not parse or its partition count is no number.
     */
    static TopicSettings readSettings(FileIO io, Path topicDir) {
        Path file = topicDir.resolve(LogFiles.TOPIC_PROPERTIES);
        Map<String, String> settings = readProperties(io, file);
        String partitionsValue = settings.remove(PARTITIONS_KEY);
        try {
            return new TopicSettings(Integer.parseInt(partitionsValue), settings);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(file + ": " + PARTITIONS_KEY, partitionsValue, "not a whole number");
        }
    }

    private static String toProperties(Map<String, String> settings) {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** Reads a {@code key=value} file written by {@link #toProperties}. */
    private static Map<String, String> readProperties(FileIO io, Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            String content = new String(io.readAllBytes(file), StandardCharsets.UTF_8);
            for (String line : content.split("\n")) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidConfigException(file.toString(), trimmed, "expected key=value");
                }
                settings.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
            }
        } catch (IOException e) {
            throw new StorageException(file.toString(), "read", e);
        }
        return settings;
    }

    private static void deleteTree(FileIO io, Path root) throws IOException {
        if (!io.exists(root)) {
            return;
        }
        if (io.isDirectory(root)) {
            for (Path child : io.list(root)) {
                deleteTree(io, child);
            }
        }
        io.delete(root);
    }
}
