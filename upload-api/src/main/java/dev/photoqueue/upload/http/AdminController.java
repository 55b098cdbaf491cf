package dev.photoqueue.upload.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.upload.service.ReplayService;
import dev.photoqueue.upload.service.RuntimeSettings;
import dev.photoqueue.upload.service.SettingsService;
import dev.photoqueue.upload.service.WorkerService;
import dev.photoqueue.worker.Chaos;
import dev.photoqueue.worker.UnknownWorkerException;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin endpoints, HTTP only: workers ({@code GET|PUT /api/workers}), settings
 * ({@code GET|PUT /api/settings}, with the worker versions that ran and since when) and
 * {@code POST /api/replay} (409 when the group has members this process cannot pause). {@link AdminGuard} checks the token
 * before these run.
 */
public final class AdminController {

    private final WorkerService workers;
    private final SettingsService settings;
    private final ReplayService replay;
    private final ObjectMapper json;

    public AdminController(WorkerService workers, SettingsService settings, ReplayService replay, ObjectMapper json) {
        this.workers = workers;
        this.settings = settings;
        this.replay = replay;
        this.json = json;
    }

    void workers(Context ctx) {
        ctx.json(workerBody(workers.ids()));
    }

    void resizeWorkers(Context ctx) {
        Object count = body(ctx).get("count");
        if (!(count instanceof Integer n)) {
            throw ApiException.badRequest("expected {\"count\": <whole number>}, count was " + count);
        }
        try {
            ctx.json(workerBody(workers.resize(n)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** {@code POST /api/workers/{id}/crash} with an optional {@code {"mode": "thread"|"process"}}: 202. */
    void crashWorker(Context ctx) {
        String id = ctx.pathParam("id");
        Object mode = ctx.body().isBlank() ? null : body(ctx).get("mode");
        if (mode != null && !(mode instanceof String)) {
            throw ApiException.badRequest("mode must be \"thread\" or \"process\", was " + mode);
        }
        try {
            workers.crash(id, (String) mode);
        } catch (UnknownWorkerException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Chaos.Point point = workers.chaos().point();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("worker", id);
        answer.put("mode", workers.chaos().mode().name().toLowerCase(java.util.Locale.ROOT));
        answer.put("when", point == null ? "with its next photo, at a point chosen by chance"
                : "with its next photo, at " + point.wireName());
        ctx.status(202).json(answer);
    }

    void chaos(Context ctx) {
        ctx.json(chaosBody(workers.chaos()));
    }

    /**
     * {@code PUT /api/chaos {mode, probability, namePattern, point, crashes}}: any of them; the
     * others stay. {@code crashes}: the next N photos kill their worker; {@code point}:
     * {@code mid-photo}, {@code after-publish} or {@code any}.
     */
    void updateChaos(Context ctx) {
        Map<String, Object> body = body(ctx);
        Chaos chaos = workers.chaos();
        try {
            if (body.containsKey("mode")) {
                chaos.mode(Chaos.parseMode(String.valueOf(body.get("mode"))));
            }
            if (body.containsKey("probability")) {
                if (!(body.get("probability") instanceof Number p)) {
                    throw new IllegalArgumentException("probability must be a number from 0 to 1, was "
                            + body.get("probability"));
                }
                chaos.probability(p.doubleValue());
            }
            if (body.containsKey("point")) {
                chaos.point(Chaos.parsePoint(String.valueOf(body.get("point"))));
            }
            if (body.containsKey("crashes")) {
                if (!(body.get("crashes") instanceof Integer n)) {
                    throw new IllegalArgumentException("crashes must be a whole number >= 0, was " + body.get("crashes"));
                }
                chaos.crashes(n);
            }
            if (body.containsKey("namePattern")) {
                Object pattern = body.get("namePattern");
                chaos.namePattern(pattern == null ? null : String.valueOf(pattern));
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ctx.json(chaosBody(chaos));
    }

    private static Map<String, Object> chaosBody(Chaos chaos) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", chaos.mode().name().toLowerCase(java.util.Locale.ROOT));
        body.put("probability", chaos.probability());
        body.put("namePattern", chaos.namePattern());
        body.put("point", chaos.point() == null ? "any" : chaos.point().wireName());
        body.put("crashes", chaos.crashesLeft());
        return body;
    }

    void settings(Context ctx) {
        ctx.json(settingsBody(settings.current()));
    }

    void updateSettings(Context ctx) {
        try {
            ctx.json(settingsBody(settings.update(body(ctx))));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    void replay(Context ctx) {
        Map<String, Object> body = body(ctx);
        if (!(body.get("group") instanceof String group) || group.isBlank()) {
            throw ApiException.badRequest("expected {\"group\": <consumer group>, \"from\": <ISO-8601 time>}, group was "
                    + body.get("group"));
        }
        if (!(body.get("from") instanceof String fromText)) {
            throw ApiException.badRequest("from must be an ISO-8601 time such as 2026-01-31T12:00:00Z, was "
                    + body.get("from"));
        }
        Instant from;
        try {
            from = Instant.parse(fromText);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("from must be an ISO-8601 time such as 2026-01-31T12:00:00Z, was '"
                    + fromText + "'");
        }
        ReplayService.Result result;
        try {
            result = replay.replay(group, from);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (ReplayService.GroupBusyException e) {
            throw ApiException.conflict(e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("group", group);
        answer.put("from", from.toString());
        answer.put("positions", result.positions());
        answer.put("workersPaused", result.workersPaused());
        ctx.json(answer);
    }

    private Map<String, Object> body(Context ctx) {
        String text = ctx.body();
        try {
            Object parsed = json.readValue(text, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                Map<String, Object> fields = new LinkedHashMap<>();
                map.forEach((k, v) -> fields.put(String.valueOf(k), v));
                return fields;
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        throw ApiException.badRequest("the body must be a JSON object, was: " + abbreviate(text));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private Map<String, Object> workerBody(List<String> ids) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", ids.size());
        body.put("workers", ids);
        body.put("target", workers.target());
        body.put("restarting", workers.restarting());
        body.put("restarts", workers.restarts());
        body.put("restartDelayMs", workers.restartDelayMs());
        return body;
    }

    private Map<String, Object> settingsBody(RuntimeSettings s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partitionKey", s.partitionKey().wireName());
        body.put("delivery", s.delivery());
        body.put("maxBacklog", s.maxBacklog());
        body.put("autoscale", s.autoscale());
        body.put("consumption", s.consumption());
        body.put("workerVersion", s.workerVersion().wireName());
        body.put("workerVersions", settings.versionRuns().stream().map(run -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("version", run.version().wireName());
            entry.put("description", run.version().description());
            entry.put("since", run.since().toString());
            return entry;
        }).toList());
        return body;
    }
}
