package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.worker.PhotoStats;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replay: moves a consumer group back (or forward) to the first record at or after a time, on
 * every topic it consumes, so the records from then on are delivered to it again. The status view
 * ({@value StatusView#REPLAY_NAME}) is rebuilt the same way. Thread-safe.
 *
 * <p>The thumbnail workers' group ({@value Topics#THUMBNAILERS}) is moved while it has no members:
 * the embedded workers finish the job in hand and leave, the positions move once the group is
 * empty, and the workers join again (with the worker version set now, so a replay after a fix
 * re-renders with the fix). Kafka moves a group's positions only while it has no members; on the
 * in-house log, which also moves them under live members, the pause gives the same guarantee:
 * every job from the replay's start is handled after the reset, by a worker of the current
 * version, and no job taken before it is acked over it. Members of other processes ({@code
 * worker.jar}) cannot be paused from here: the replay is refused with {@link GroupBusyException}
 * naming them, before anything moves.
 *
 * <p>The {@value PhotoStats#GROUP} group is moved the same way: this process's stats consumer
 * commits what it counted and leaves, the positions move once the group is empty, and it joins
 * again from them, also when the reset fails. Its counts stay: what it reads again counts as
 * replayed.
 */
public final class ReplayService {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);
    private static final Duration LOOK_EVERY = Duration.ofMillis(100);
    /** The groups this app consumes with, and their topics: known before they have committed anything. */
    static final Map<String, List<String>> CONFIGURED = Map.of(
            Topics.THUMBNAILERS, List.of(Topics.PHOTO_UPLOADED),
            PhotoStats.GROUP, List.of(Topics.PHOTO_EVENTS));

    private final Admin admin;
    private final QueueService queue;
    private final StatusView view;
    private final WorkerService workers;
    private final StatsService stats;
    private final Duration memberWait;

    /**
     * {@code memberWait}: how long a replay of the workers' group waits for its members to be gone,
     * and for each embedded worker to finish its job in hand (for the stats group: for the stats
     * consumer to leave, and the group to be empty); a worker that crashed without leaving stays a
     * member until its session times out, so give at least the session timeout.
     */
    public ReplayService(Admin admin, QueueService queue, StatusView view, WorkerService workers,
                         StatsService stats, Duration memberWait) {
        this.admin = admin;
        this.queue = queue;
        this.view = view;
        this.workers = workers;
        this.stats = stats;
        this.memberWait = memberWait;
    }

    /**
     * What a replay did.
     *
     * @param positions      the new position of each partition (empty for the status view, which
     *                       moves on its own thread)
     * @param workersPaused  embedded workers that left the group for the reset and joined again
     */
    public record Result(Map<String, Long> positions, int workersPaused) {
    }

    /** The group cannot be moved now: members this process cannot pause, or that did not leave in time. */
    public static final class GroupBusyException extends RuntimeException {
        public GroupBusyException(String message) {
            super(message);
        }

        GroupBusyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Replays {@code group} from {@code from}; a group of this app's ({@link #CONFIGURED}) is known
     * also before it has committed anything. {@link GroupNotFoundException} for an unknown group,
     * {@link GroupBusyException} when the workers' or the stats group keeps members it cannot pause.
     */
    public Result replay(String group, Instant from) {
        if (StatusView.REPLAY_NAME.equals(group)) {
            view.replay(from);
            return new Result(Map.of(), 0);
        }
        List<String> topics = topicsOf(group);
        if (topics.isEmpty()) {
            Set<String> known = new TreeSet<>(admin.listGroups());
            known.addAll(CONFIGURED.keySet());
            throw new GroupNotFoundException(group, known + " and " + StatusView.REPLAY_NAME);
        }
        if (PhotoStats.GROUP.equals(group)) {
            return new Result(replayStats(topics, from), 0);
        }
        if (!Topics.THUMBNAILERS.equals(group)) {
            return new Result(reset(group, topics, from), 0);
        }
        requireNoForeignMembers(group);
        int paused = workers.count();
        Map<String, Long> positions;
        try {
            positions = workers.whilePaused(memberWait, () -> {
                awaitNoMembers(group);
                return reset(group, topics, from);
            });
        } catch (IllegalStateException e) {
            // the pool's own refusal: a worker still busy past the wait, or the pool stopping
            throw new GroupBusyException("the workers of group " + group + " could not be paused: " + e.getMessage(), e);
        }
        LOG.info("replayed group {} from {} with its {} embedded workers paused: {}", group, from, paused, positions);
        return new Result(positions, paused);
    }

    /**
     * Moves the stats group with this process's stats consumer out of it. A member of another
     * process (a second upload API on the same Kafka) keeps the group from emptying: the replay is
     * then refused once {@code memberWait} is over, naming it.
     */
    private Map<String, Long> replayStats(List<String> topics, Instant from) {
        Map<String, Long> positions;
        try {
            positions = stats.whilePaused(memberWait, () -> {
                awaitNoMembers(PhotoStats.GROUP);
                return reset(PhotoStats.GROUP, topics, from);
            });
        } catch (IllegalStateException e) {
            // the stats' own refusal: stopping, or their consumer not out of the group in time
            throw new GroupBusyException("the stats consumer of group " + PhotoStats.GROUP + " could not be paused: "
                    + e.getMessage(), e);
        }
        LOG.info("replayed group {} from {} with its stats consumer paused: {}", PhotoStats.GROUP, from, positions);
        return positions;
    }

    /**
     * The topics {@code group} consumes: those the backend describes it on, and for a group of
     * this app's those it is configured with. A group that has not committed yet is known to the
     * in-house log once a member joined, but to Kafka only while a member holds an assignment
     * (before the workers' first assignment, or once scaled to 0): without the configured topics a
     * replay there would answer 404 where the in-house log moves the group.
     */
    private List<String> topicsOf(String group) {
        Set<String> topics = new TreeSet<>(queue.topicsOf(group));
        topics.addAll(CONFIGURED.getOrDefault(group, List.of()));
        return List.copyOf(topics);
    }

    private Map<String, Long> reset(String group, List<String> topics, Instant from) {
        Map<String, Long> positions = new LinkedHashMap<>();
        for (String topic : topics) {
            Map<TopicPartition, Long> moved = admin.resetOffsets(group, topic, OffsetSpec.timestamp(from.toEpochMilli()));
            moved.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> positions.put(e.getKey().toString(), e.getValue()));
        }
        return positions;
    }

    /** Refuses while a member that is not one of this process's workers is in the group. */
    private void requireNoForeignMembers(String group) {
        List<String> foreign = members(group).stream().map(MemberDescription::clientId)
                .filter(client -> !workers.isOwnWorker(client)).toList();
        if (!foreign.isEmpty()) {
            throw new GroupBusyException("group " + group + " has members of other processes " + foreign
                    + ": its positions move only while it has no members, and this process can pause only its own"
                    + " workers; stop those worker processes (they leave the group at SIGTERM), replay, start them again");
        }
    }

    /**
     * Waits until the group has no members: the paused workers are gone at once; one that crashed
     * without leaving goes when its session times out.
     */
    private void awaitNoMembers(String group) {
        long deadline = System.nanoTime() + memberWait.toNanos();
        List<MemberDescription> left = members(group);
        while (!left.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new GroupBusyException("group " + group + " still has members "
                        + left.stream().map(MemberDescription::clientId).toList() + " after " + memberWait
                        + " (a member that crashed stays one until its session times out); try again later");
            }
            try {
                Thread.sleep(LOOK_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GroupBusyException("interrupted while waiting for group " + group + " to empty");
            }
            left = members(group);
        }
    }

    private List<MemberDescription> members(String group) {
        try {
            return admin.describeGroup(group).members();
        } catch (UnknownGroupException e) {
            return List.of();
        }
    }
}
