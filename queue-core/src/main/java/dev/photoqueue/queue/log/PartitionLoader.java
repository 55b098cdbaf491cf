package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.env.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Opens a partition directory, recovering it when the last shutdown was not clean.
 *
 * <p>Recovery checks every batch of every segment at or after the recovery point (the offset up
 * to which everything was forced to disk when the point was written), rebuilds their indexes and
 * cuts the log after the last valid batch; segments after a cut are deleted, since their offsets
 * no longer follow. Every cut is logged with file, offset and bytes. Sealed segments before the
 * recovery point keep their indexes when those are consistent and are re-indexed otherwise.
 * After a clean shutdown only the active segment's tail is checked. A log never refuses to open
 * for corruption: the worst case is a shorter log.
 *
 * <p>Files that are not the log's are left alone and reported once; leftovers of the log's own
 * interrupted writes ({@code *.tmp}, indexes without a log file) are removed.
 */
final class PartitionLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLoader.class);

    private PartitionLoader() {
    }

    static PartitionLog load(TopicPartition tp, Path dir, LogConfig config, LogContext context, boolean clean) {
        FileIO io = context.files();
        try {
            io.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            // What createDirectories says of a file in the directory's place, which is no "already exists".
            throw new StorageException(dir.toString(), "create partition directory", "it is a file, not a directory",
                    e);
        } catch (IOException e) {
            throw new StorageException(dir.toString(), "create partition directory", e);
        }
        TreeSet<Long> bases = listSegments(io, dir);
        // A segment created while forcing its directory failed (in a roll, or in a topic's creation,
        // which a clean shutdown does not cover), or by a process that died before the force, has a
        // name only the OS's cache knows: what is appended to it from now on must not vanish with it.
        LogFiles.forceDirectory(io, dir);
        long recoveryPoint = readRecoveryPoint(io, dir);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        if (bases.isEmpty()) {
            long base = Math.max(0, recoveryPoint);
            segments.put(base, LogSegment.create(io, dir, base, config));
            return new PartitionLog(tp, dir, config, context, segments, base);
        }
        List<Long> ordered = new ArrayList<>(bases);
        long endOffset = -1;
        for (int i = 0; i < ordered.size(); i++) {
            long base = ordered.get(i);
            boolean last = i == ordered.size() - 1;
            long nextBase = last ? Long.MAX_VALUE : ordered.get(i + 1);
            LogSegment segment = LogSegment.open(io, dir, base, config, last);
            boolean inRecoveryRange = !clean && nextBase > recoveryPoint;
            if (inRecoveryRange || (last && !SegmentRecovery.tailIsClean(segment))) {
                Optional<SegmentRecovery.InvalidTail> cut = SegmentRecovery.recover(segment, true);
                cut.ifPresent(tail -> LOG.warn("recovering {}: {}", tp, tail.describe()));
                if (!last && (cut.isPresent() || segment.nextOffset() > nextBase)) {
                    deleteFrom(io, tp, dir, config, ordered.subList(i + 1, ordered.size()), segment.nextOffset());
                    segment.close();
                    segment = LogSegment.open(io, dir, base, config, true);
                    SegmentRecovery.recover(segment, true);
                    segments.put(base, segment);
                    endOffset = segment.nextOffset();
                    break;
                }
                if (!last) {
                    segment.seal();
                }
            } else if (!last) {
                SegmentRecovery.openSealed(segment, nextBase);
            }
            segments.put(base, segment);
            endOffset = segment.nextOffset();
        }
        return new PartitionLog(tp, dir, config, context, segments, endOffset);
    }

    private static void deleteFrom(FileIO io, TopicPartition tp, Path dir, LogConfig config, List<Long> bases,
                                   long cutAt) {
        for (long base : bases) {
            LogSegment later = LogSegment.open(io, dir, base, config, false);
            LOG.warn("recovering {}: deleting segment {} ({} bytes) because the log before it ends at offset {}",
                    tp, later.logFile(), later.size(), cutAt);
            later.close();
            later.deleteFiles();
        }
    }

    private static TreeSet<Long> listSegments(FileIO io, Path dir) {
        TreeSet<Long> logs = new TreeSet<>();
        List<Path> indexes = new ArrayList<>();
        try {
            for (Path file : io.list(dir)) {
                String name = file.getFileName().toString();
                long base = LogFiles.parseBaseOffset(name, LogFiles.LOG_SUFFIX);
                if (base >= 0) {
                    logs.add(base);
                } else if (LogFiles.parseBaseOffset(name, LogFiles.INDEX_SUFFIX) >= 0
                        || LogFiles.parseBaseOffset(name, LogFiles.TIME_INDEX_SUFFIX) >= 0) {
                    indexes.add(file);
                } else if (name.endsWith(LogFiles.TEMP_SUFFIX) && isOwnTemp(name)) {
                    io.deleteIfExists(file);
                } else if (!name.equals(LogFiles.RECOVERY_POINT)) {
                    LOG.warn("ignoring foreign file {} in partition directory {}: not a segment, index or "
                            + "checkpoint of this log; it is left untouched", file, dir);
                }
            }
            for (Path index : indexes) {
                String name = index.getFileName().toString();
                long base = Math.max(LogFiles.parseBaseOffset(name, LogFiles.INDEX_SUFFIX),
                        LogFiles.parseBaseOffset(name, LogFiles.TIME_INDEX_SUFFIX));
                if (!logs.contains(base)) {
                    io.deleteIfExists(index);
                }
            }
        } catch (IOException e) {
            throw new StorageException(dir.toString(), "list partition directory", e);
        }
        return logs;
    }

    private static boolean isOwnTemp(String name) {
        return name.equals(LogFiles.RECOVERY_POINT + LogFiles.TEMP_SUFFIX);
    }

    /** The recovery point, or 0 (recover everything) when missing or unreadable. */
    private static long readRecoveryPoint(FileIO io, Path dir) {
        Path file = dir.resolve(LogFiles.RECOVERY_POINT);
        if (!io.exists(file)) {
            return 0;
        }
        String text;
        try {
            text = new String(io.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            LOG.warn("unreadable recovery point {} ({}); recovering the whole partition", file,
                    StorageException.reason(file.toString(), e));
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.warn("unreadable recovery point {} (\"{}\" is no offset); recovering the whole partition", file,
                    text.length() > 32 ? text.substring(0, 32) + "…" : text);
            return 0;
        }
    }
}
