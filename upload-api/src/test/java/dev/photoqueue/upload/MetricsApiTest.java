package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.TestClient.Part;
import dev.photoqueue.worker.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /metrics} on a real server with one embedded worker, real photos and the in-house
 * log: outcomes counted once each from {@code photo.events} with their labels (done, a duplicate
 * from a redelivery, a failure, and dead letters by reason), consumer lag per partition while the
 * workers are paused, the log's write and force times, dead-letter depth, HTTP requests by route
 * template, and help text on every metric. Each test compares with a scrape taken before it, so
 * they hold in any order.
 */
class MetricsApiTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String PROCESSED = "photoqueue_photos_processed_total";
    static final String DEAD_LETTERED = "photoqueue_photos_dead_lettered_total";
    static final String LAG = "photoqueue_group_lag";
    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        // a killed worker's job moves on after 3 s; two deliveries before a job is dead-lettered
        running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "3", "MAX_DELIVERIES", "2",
                "SESSION_TIMEOUT_MS", "3000"));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    static PrometheusText scrape() {
        return scrape(client);
    }

    static PrometheusText scrape(TestClient client) {
        HttpResponse<String> r = client.get("/metrics");
        assertEquals(200, r.statusCode(), r.body());
        return PrometheusText.parse(r.body());
    }

    static PrometheusText awaitScrape(String what, Predicate<PrometheusText> done) {
        return awaitScrape(client, what, done, WAIT);
    }

    /** Scrapes until {@code done} holds; fails after {@code wait} showing the last scrape's photoqueue lines. */
    static PrometheusText awaitScrape(TestClient client, String what, Predicate<PrometheusText> done,
                                      Duration wait) {
        PrometheusText last = scrapeUntil(client, done, wait);
        if (!done.test(last)) {
            fail(what + " did not show within " + wait + "; last scrape: " + last.samples().stream()
                    .filter(s -> s.name().startsWith("photoqueue_")).toList());
        }
        return last;
    }

    /** Scrapes until {@code done} holds or {@code wait} is over; returns the last scrape either way. */
    static PrometheusText scrapeUntil(TestClient client, Predicate<PrometheusText> done, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        PrometheusText last = scrape(client);
        while (!done.test(last) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = scrape(client);
        }
        return last;
    }

    private static String upload(String fileName, String sample) {
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", fileName, TestClient.sample(sample)));
        assertEquals(202, r.statusCode(), r.body());
        return json(r).get("id").asText();
    }

    private static JsonNode awaitStatus(String id, String status) {
        return client.await("/api/photos/" + id, p -> p.get("status").asText().equals(status), WAIT);
    }

    @Test
    void outcomesAreCountedOnceFromTheEventsByOutcomeWithTheirTimes() {
        PrometheusText before = scrape();
        String good = upload("meadow.jpg", "GreenMeadow.jpg");
        awaitStatus(good, "DONE");
        String cut = upload("cut.jpg", "truncated.jpg");
        awaitStatus(cut, "DEAD_LETTERED");
        // the worker dies between publishing the outcome and acking: the job comes again, and its
        // second run finds the variants written, a duplicate
        HttpResponse<String> armed = client.admin("PUT", "/api/chaos",
                "{\"crashes\":1,\"point\":\"after-publish\",\"mode\":\"thread\"}");
        assertEquals(200, armed.statusCode(), armed.body());
        String twice = upload("twice.jpg", "FreshFlower.jpg");
        client.await("/api/photos/" + twice, p -> p.get("duplicate").asBoolean(), WAIT);

        Map<String, Double> expected = Map.of("done", 2.0, "duplicate", 1.0, "failed", 1.0);
        PrometheusText after = awaitScrape("the outcomes", s -> expected.entrySet().stream().allMatch(e ->
                delta(before, s, PROCESSED, Map.of("outcome", e.getKey())) >= e.getValue())
                && delta(before, s, DEAD_LETTERED, Map.of("reason", "rejected")) >= 1);
        expected.forEach((outcome, n) -> assertEquals(n, delta(before, after, PROCESSED, Map.of("outcome", outcome)),
                outcome + ": each event counted once, not again by the embedded worker"));
        assertEquals(1, delta(before, after, DEAD_LETTERED, Map.of("reason", "rejected")), "the truncated photo");
        assertEquals(0, delta(before, after, DEAD_LETTERED, Map.of("reason", "max_deliveries")));
        assertEquals(4, delta(before, after, "photoqueue_deliveries_total", Map.of()),
                "one delivery each, and the chaos photo's second");
        assertEquals(2, delta(before, after, "photoqueue_photo_processing_seconds_count", Map.of()),
                "the done runs are timed, the duplicate is not");
        assertEquals(2, delta(before, after, "photoqueue_photo_processing_seconds_bucket", Map.of("le", "+Inf")));
        for (String variant : List.of("thumb", "small", "medium")) {
            assertEquals(2, delta(before, after, "photoqueue_variant_processing_seconds_count",
                    Map.of("variant", variant)), variant);
        }
        assertEquals(3, delta(before, after, "photoqueue_upload_seconds_count", Map.of("mode", "async")));
        assertEquals(3, delta(before, after, "photoqueue_uploads_total",
                Map.of("mode", "async", "outcome", "accepted")));
        assertTrue(after.sum("photoqueue_upload_seconds_bucket", Map.of("mode", "async", "le", "+Inf"))
                >= after.sum("photoqueue_upload_seconds_bucket", Map.of("mode", "async", "le", "30.0")),
                "cumulative buckets");
    }

    @Test
    void aPhotoThatKillsItsWorkerEveryTimeIsDeadLetteredForMaxDeliveries() {
        PrometheusText before = scrape();
        HttpResponse<String> armed = client.admin("PUT", "/api/chaos",
                "{\"namePattern\":\"^poison\",\"point\":\"mid-photo\",\"mode\":\"thread\"}");
        assertEquals(200, armed.statusCode(), armed.body());
        try {
            String poison = upload("poison.jpg", "GreenMeadow.jpg");
            awaitStatus(poison, "DEAD_LETTERED");
        } finally {
            client.admin("PUT", "/api/chaos", "{\"namePattern\":null}");
        }
        PrometheusText after = awaitScrape("the dead letter",
                s -> delta(before, s, DEAD_LETTERED, Map.of("reason", "max_deliveries")) >= 1);
        assertEquals(1, delta(before, after, DEAD_LETTERED, Map.of("reason", "max_deliveries")));
        assertEquals(0, delta(before, after, DEAD_LETTERED, Map.of("reason", "rejected")));
        assertEquals(0, delta(before, after, PROCESSED, Map.of("outcome", "failed")),
                "a worker that dies publishes no failure: only the dead letter tells");
        assertEquals(2, delta(before, after, "photoqueue_deliveries_total", Map.of()), "MAX_DELIVERIES deliveries");
    }

    /**
     * Whether the scrape's lag was read from the queue after {@code sinceNanos} (with half a second
     * to spare): the gauges are read in the background, and a value read before the workers
     * stopped may miss their last commits.
     */
    static boolean readSince(PrometheusText scrape, long sinceNanos) {
        double age = scrape.sum("photoqueue_queue_gauge_age_seconds", Map.of("gauge", "group_lag"));
        return age + 0.5 < (System.nanoTime() - sinceNanos) / 1e9;
    }

    @Test
    void lagPerPartitionIsTheJobsWaitingWhileTheWorkersArePaused() {
        PrometheusText start = scrape();
        assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":0}").statusCode());
        try {
            client.await("/api/workers", w -> w.get("count").asInt() == 0, WAIT);
            long stopped = System.nanoTime();
            Map<String, String> thumbnailers = Map.of("group", "thumbnailers", "topic", "photo.uploaded");
            PrometheusText before = awaitScrape("the thumbnailers' lag on every partition, read after they stopped",
                    s -> s.all(LAG, thumbnailers).size() == 3 && readSince(s, stopped));
            Map<String, Double> expected = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                expected.put(String.valueOf(p), before.sum(LAG, Map.of("group", "thumbnailers",
                        "topic", "photo.uploaded", "partition", String.valueOf(p))));
            }
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "wait-" + i + ".jpg",
                        TestClient.sample("GreenMeadow.jpg")));
                assertEquals(202, r.statusCode(), r.body());
                expected.merge(String.valueOf(json(r).get("partition").asInt()), 1.0, Double::sum);
            }
            PrometheusText after = awaitScrape("the five jobs in the lag",
                    s -> s.sum(LAG, thumbnailers) == before.sum(LAG, thumbnailers) + 5);
            expected.forEach((partition, lag) -> assertEquals(lag, after.sum(LAG, Map.of("group", "thumbnailers",
                    "topic", "photo.uploaded", "partition", partition)), "partition " + partition
                    + " lags by the jobs the receipts placed there"));
            assertTrue(after.sum("photoqueue_queue_gauge_age_seconds", Map.of("gauge", "group_lag")) < 30,
                    "read recently");
        } finally {
            assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":1}").statusCode());
        }
        awaitScrape("the lag gone once a worker runs again",
                s -> s.sum(LAG, Map.of("group", "thumbnailers", "topic", "photo.uploaded")) == 0);
        awaitCounted(start, 5, 0);
    }

    @Test
    void theLogsWritesAndForcesAreTimedAndTheDeadLetterDepthIsTheLettersListed() {
        PrometheusText before = scrape();
        awaitStatus(upload("timed.jpg", "GreenMeadow.jpg"), "DONE");
        PrometheusText after = awaitCounted(before, 1, 0);
        Map<String, String> uploaded = Map.of("topic", "photo.uploaded");
        assertTrue(delta(before, after, "photoqueue_log_append_seconds_count", uploaded) >= 1, "the job's write");
        assertTrue(delta(before, after, "photoqueue_log_force_seconds_count", uploaded) >= 1,
                "photo.uploaded is forced on every append");
        assertTrue(after.sum("photoqueue_log_append_seconds_count", Map.of("topic", "photo.events")) >= 1);

        awaitStatus(upload("dead.jpg", "truncated.jpg"), "DEAD_LETTERED");
        int listed = json(client.get("/api/dlq")).size();
        assertTrue(listed >= 1, "the truncated photo's job at least");
        awaitScrape("the dead-letter depth " + listed, s -> s.sum("photoqueue_dlq_depth",
                Map.of("topic", "photo.uploaded.dlq")) == listed);
        awaitCounted(before, 1, 1);
    }

    @Test
    void requestsAreLabelledByRouteTemplateNeverByTheirPath() {
        PrometheusText before = scrape();
        String id = upload("routed.jpg", "GreenMeadow.jpg");
        assertEquals(200, client.get("/api/photos/" + id).statusCode());
        assertEquals(404, client.get("/api/photos/nosuchphoto").statusCode());
        assertEquals(404, client.get("/no/such/page-" + id).statusCode());
        assertEquals(200, client.get("/").statusCode());
        PrometheusText s = scrape();
        Set<String> routes = new TreeSet<>();
        s.all("http_server_requests_seconds_count", Map.of()).forEach(x -> routes.add(x.labels().get("route")));
        assertTrue(routes.contains("/api/photos/{id}"), routes.toString());
        assertTrue(routes.contains("/api/photos"), routes.toString());
        assertTrue(routes.contains("NOT_FOUND"), routes.toString());
        assertTrue(routes.stream().noneMatch(r -> r.contains(id) || r.contains("nosuchphoto") || r.equals("*")),
                "no raw path, no wildcard: " + routes);
        assertEquals(1, s.sum("http_server_requests_seconds_count",
                Map.of("route", "/api/photos/{id}", "method", "GET", "status", "404")), "the unknown photo");
        assertTrue(s.sum("http_server_requests_seconds_bucket", Map.of("route", "/api/photos", "le", "+Inf")) >= 1,
                "a histogram, for histogram_quantile");
        awaitCounted(before, 1, 0);
    }

    @Test
    void everyMetricSaysWhatItIsJvmOnesIncluded() {
        PrometheusText before = scrape();
        upload("helped.jpg", "GreenMeadow.jpg");
        awaitCounted(before, 1, 0);
        PrometheusText s = awaitScrape("the lag gauges", x -> !x.all(LAG, Map.of()).isEmpty());
        assertEquals(Set.of(), s.familiesWithoutHelp(), "families with no or an empty HELP");
        for (String name : List.of("process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
                "jvm_classes_loaded_classes", "jvm_memory_used_bytes", "jvm_threads_live_threads")) {
            assertTrue(s.names().contains(name), name + " in " + s.names());
        }
    }

    /**
     * Waits until the counters have taken in {@code done} more photos done and {@code rejected} more
     * rejected dead letters than {@code before}: each test ends so, and leaves no event of its own
     * to be counted in the next test's figures.
     */
    private static PrometheusText awaitCounted(PrometheusText before, int done, int rejected) {
        return awaitScrape(done + " more done and " + rejected + " more rejected", s ->
                delta(before, s, PROCESSED, Map.of("outcome", "done")) >= done
                        && delta(before, s, DEAD_LETTERED, Map.of("reason", "rejected")) >= rejected);
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
