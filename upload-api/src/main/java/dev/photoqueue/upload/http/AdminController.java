package dev.photoqueue.upload.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.upload.service.Autoscaler;
import dev.photoqueue.upload.service.ReplayService;
import dev.photoqueue.upload.service.RuntimeSettings;
import dev.photoqueue.upload.service.SettingsService;
import dev.photoqueue.upload.service.WorkerService;
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
    private final Autoscaler.Bounds autoscale;
    private final SettingsService settings;
    private final ReplayService replay;
    private final ObjectMapper json;

    /** {@code autoscale}: the fewest and most workers the autoscaler keeps, told in the workers' answer. */
    public AdminController(WorkerService workers, Autoscaler.Bounds autoscale, SettingsService settings,
                           ReplayService replay, ObjectMapper json) {
        this.workers = workers;
        this.autoscale = autoscale;
        this.settings = settings;
        this.replay = replay;
        this.json = json;
    }

    void workers(Context ctx) {
        ctx.json(workerBody(workers.ids()));
    }

    /**
     * {@code PUT /api/workers} with {@code {"count": N}}, the number of workers to keep, or
     * {@code {"change": N}}, that many more (fewer when negative) than the pool keeps now: a change
     * is read and applied in one step, so two quick presses of + worker both count.
     */
    void resizeWorkers(Context ctx) {
        Map<String, Object> body = body(ctx, "count", "change");
        if (body.containsKey("count") == body.containsKey("change")) {
            throw ApiException.badRequest("expected {\"count\": <whole number>} or {\"change\": <whole number>}, was "
                    + abbreviate(ctx.body()));
        }
        String field = body.containsKey("count") ? "count" : "change";
        if (!(body.get(field) instanceof Integer n)) {
            throw ApiException.badRequest(field + " must be a whole number, was " + asJson(body.get(field)));
        }
        ctx.json(workerBody(field.equals("count") ? workers.resize(n) : workers.resizeBy(n)));
    }

    /** {@code POST /api/workers/{id}/crash} with an optional {@code {"mode": "thread"|"process"}}: 202. */
    void crashWorker(Context ctx) {
        String id = ctx.pathParam("id");
        Object mode = ctx.body().isBlank() ? null : body(ctx, "mode").get("mode");
        if (mode != null && !(mode instanceof String)) {
            throw ApiException.badRequest("mode must be \"thread\" or \"process\", was " + mode);
        }
        WorkerService.ChaosSettings chaos = workers.crash(id, (String) mode);
        ctx.status(202).json(new CrashScheduled(id, chaos.mode(), chaos.point().equals("any")
                ? "with its next photo, at a point chosen by chance" : "with its next photo, at " + chaos.point()));
    }

    /** The body of a 202 to a crash: the worker, how it dies and when. */
    record CrashScheduled(String worker, String mode, String when) {
    }

    void chaos(Context ctx) {
        ctx.json(workers.chaos());
    }

    /**
     * {@code PUT /api/chaos {mode, probability, namePattern, point, crashes}}: any of them; the
     * others stay. {@code crashes}: the next N photos kill their worker; {@code point}:
     * {@code mid-photo}, {@code after-publish} or {@code any}.
     */
    void updateChaos(Context ctx) {
        Map<String, Object> body = body(ctx, "mode", "probability", "namePattern", "point", "crashes");
        Object probability = body.get("probability");
        if (body.containsKey("probability") && !(probability instanceof Number)) {
            throw ApiException.badRequest("probability must be a number from 0 to 1, was " + asJson(probability));
        }
        Object crashes = body.get("crashes");
        if (body.containsKey("crashes") && !(crashes instanceof Integer)) {
            throw ApiException.badRequest("crashes must be a whole number >= 0, was " + asJson(crashes));
        }
        Object pattern = body.get("namePattern");
        ctx.json(workers.updateChaos(new WorkerService.ChaosChange(
                body.containsKey("mode") ? String.valueOf(body.get("mode")) : null,
                probability == null ? null : ((Number) probability).doubleValue(),
                body.containsKey("point") ? String.valueOf(body.get("point")) : null,
                (Integer) crashes,
                // JSON null turns the name rule off, as a blank pattern does
                body.containsKey("namePattern") ? (pattern == null ? "" : String.valueOf(pattern)) : null)));
    }

    void settings(Context ctx) {
        ctx.json(settingsBody(settings.current()));
    }

    void updateSettings(Context ctx) {
        ctx.json(settingsBody(settings.update(body(ctx))));
    }

    void replay(Context ctx) {
        Map<String, Object> body = body(ctx, "group", "from");
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
        // a group is moved by a record timestamp, milliseconds since the epoch in a long: a time
        // beyond them (year +999999999) would overflow in the reset, after the group's members left
        if (from.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE)) || from.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE))) {
            throw ApiException.badRequest("from must be between " + Instant.ofEpochMilli(Long.MIN_VALUE) + " and "
                    + Instant.ofEpochMilli(Long.MAX_VALUE) + " (milliseconds since 1970 in a long), was '"
                    + fromText + "'");
        }
        ReplayService.Result result = replay.replay(group, from);
        ctx.json(new Replayed(group, from.toString(), result.positions(), result.workersPaused()));
    }

    /** The body of {@code POST /api/replay}: the group, the time, its new positions and the workers paused. */
    record Replayed(String group, String from, Map<String, Long> positions, int workersPaused) {
    }

    /**
     * The body as a JSON object with none but the {@code known} fields (openapi.json describes these
     * request bodies as closed): a misspelt field ({@code {"cont": 3}}) is 400 naming it, where
     * ignoring it would answer 200 for a change that did not happen. {@code PUT /api/settings} checks
     * its own fields ({@link SettingsService#update}).
     */
    private Map<String, Object> body(Context ctx, String... known) {
        Map<String, Object> fields = body(ctx);
        List<String> allowed = List.of(known);
        for (String field : fields.keySet()) {
            if (!allowed.contains(field)) {
                throw ApiException.badRequest("unknown field '" + field + "' in the body of " + ctx.method() + " "
                        + ctx.path() + "; known: " + String.join(", ", allowed));
            }
        }
        return fields;
    }

    /**
     * The body as a JSON object. A field sent twice ({@code {"maxBacklog": 1000, "maxBacklog": 5}})
     * is 400, as a query parameter sent twice is: taking the last would act on a value the client
     * may not have meant, and answer 200.
     */
    private Map<String, Object> body(Context ctx) {
        String text = ctx.body();
        try {
            Object parsed = json.readerFor(Object.class).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readValue(text);
            if (parsed instanceof Map<?, ?> map) {
                Map<String, Object> fields = new LinkedHashMap<>();
                map.forEach((k, v) -> fields.put(String.valueOf(k), v));
                return fields;
            }
        } catch (JsonProcessingException e) {
            // Jackson names the field in this message, and has no narrower exception type for it
            if (e.getOriginalMessage().startsWith("Duplicate field ")) {
                throw ApiException.badRequest(e.getOriginalMessage() + " in the body: a field takes one value");
            }
            throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        throw ApiException.badRequest("the body must be a JSON object, was: " + abbreviate(text));
    }

    /** A value of a JSON body as it was sent: a string in quotes, so that "2" does not read as the number 2. */
    private static String asJson(Object value) {
        return value instanceof String text ? '"' + abbreviate(text) + '"' : String.valueOf(value);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private Workers workerBody(List<String> ids) {
        return new Workers(ids.size(), ids, workers.target(), workers.restarting(), workers.restarts(),
                workers.restartDelayMs(), workers.max(), autoscale.min(), autoscale.max());
    }

    /**
     * The body of {@code GET|PUT /api/workers}; {@code max}: the most workers a count or change may
     * reach; {@code autoscaleMin} and {@code autoscaleMax}: the fewest the autoscaler removes down to and
     * the most it adds up to (the page shows them by its switch).
     */
    record Workers(int count, List<String> workers, int target, int restarting, long restarts, long restartDelayMs,
                   int max, int autoscaleMin, int autoscaleMax) {
    }

    private Settings settingsBody(RuntimeSettings s) {
        List<VersionRun> runs = settings.versionRuns().stream().map(run -> new VersionRun(run.version().wireName(),
                run.version().description(), run.since().toString())).toList();
        return new Settings(s.partitionKey().wireName(), s.delivery(), s.maxBacklog(), s.autoscale(), s.consumption(),
                s.workerVersion().wireName(), runs);
    }

    /** The body of {@code GET|PUT /api/settings}: the settings, and the worker versions that ran, oldest first. */
    record Settings(String partitionKey, String delivery, long maxBacklog, boolean autoscale, String consumption,
                    String workerVersion, List<VersionRun> workerVersions) {
    }

    /** A worker version that ran, and since when. */
    record VersionRun(String version, String description, String since) {
    }
}
