package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.worker.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/grafana-dashboard.json} queries only metrics the running app exposes: every
 * target's PromQL expression is reduced to the metric names it reads, and each must be in a
 * scrape of a real app (in-house log, one embedded worker) that processed a photo. Histogram
 * series ({@code _bucket}, {@code _count}, {@code _sum}) count as their family on both sides.
 */
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of(System.getProperty("photoqueue.docs", "../docs"))
            .resolve("grafana-dashboard.json");
    static final Duration WAIT = Duration.ofSeconds(60);
    /** PromQL words that read like names but are not metrics. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPINGS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    /** A name: not part of a number ({@code 1e3}), a longer word or a Grafana variable ({@code $job}). */
    private static final Pattern NAME = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][\\w:]*");
    private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|count|sum)$");

    /** The decode budget's meters, every one of which docs/metrics.md lists and the dashboard draws. */
    static final Set<String> DECODE_BUDGET = Set.of("photoqueue_decode_budget_bytes",
            "photoqueue_decode_budget_reserved_bytes", "photoqueue_decode_budget_waits_total",
            "photoqueue_decode_budget_refusals_total");

    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "2"));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    /** Every {@code expr} of every target, rows' nested panels included. */
    static List<String> expressions(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            JsonNode targets = node.get("targets");
            if (targets != null && targets.isArray()) {
                targets.forEach(t -> {
                    if (t.hasNonNull("expr")) {
                        out.add(t.get("expr").asText());
                    }
                });
            }
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("targets")) {
                    collect(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }

    /**
     * The metric names a PromQL expression reads, as families: strings, label matchers, range
     * selectors and grouping clauses dropped, then every name not followed by {@code (} (a function
     * or aggregation) and not a keyword, with a histogram series suffix removed.
     */
    static Set<String> metricNames(String expr) {
        String rest = STRINGS.matcher(expr).replaceAll(" ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGES.matcher(rest).replaceAll(" ");
        rest = GROUPINGS.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(rest);
        while (m.find()) {
            String name = m.group();
            boolean call = rest.substring(m.end()).stripLeading().startsWith("(");
            if (!call && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(family(name));
            }
        }
        return names;
    }

    static String family(String sampleName) {
        return HISTOGRAM_SERIES.matcher(sampleName).replaceFirst("");
    }

    /** The dashboard's metric names the scrape lacks. */
    static Set<String> missing(List<String> expressions, PrometheusText scrape) {
        Set<String> exposed = new TreeSet<>();
        scrape.names().forEach(n -> exposed.add(family(n)));
        Set<String> missing = new TreeSet<>();
        expressions.forEach(e -> metricNames(e).stream().filter(n -> !exposed.contains(n)).forEach(missing::add));
        return missing;
    }

    @Test
    void namesAreReadFromPromqlAsFamiliesWithoutFunctionsLabelsOrKeywords() {
        assertEquals(Set.of("photoqueue_upload_seconds"), metricNames("histogram_quantile(0.95, sum by (le, mode) "
                + "(rate(photoqueue_upload_seconds_bucket{mode=\"async\", le!=\"+Inf\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b"), metricNames("sum without (instance) (rate(a_total[5m] offset 1h)) "
                + "/ on (job) group_left b > bool 1e3"));
        assertEquals(Set.of("photoqueue_group_lag"), metricNames("max_over_time(photoqueue_group_lag{topic=~\"by|"
                + "rate(x)\"}[1m:10s])"));
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposedByTheRunningApp() throws IOException {
        JsonNode dashboard = TestClient.JSON.readTree(DASHBOARD.toFile());
        List<String> expressions = expressions(dashboard);
        assertTrue(expressions.size() >= 10, "the dashboard's queries: " + expressions);
        Set<String> queried = new TreeSet<>();
        expressions.forEach(e -> queried.addAll(metricNames(e)));
        assertTrue(queried.containsAll(Set.of("photoqueue_group_lag", "photoqueue_photos_processed_total",
                "photoqueue_upload_seconds", "photoqueue_dlq_depth", "photoqueue_photos_dead_lettered_total")),
                "lag, throughput, latency and dead letters are drawn: " + queried);
        assertTrue(queried.containsAll(DECODE_BUDGET), "the decode budget is drawn (docs/metrics.md): " + queried);

        String id = TestClient.json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
        client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
        // jvm_gc_pause_seconds appears with the first collection the JVM reports; a short run may
        // have had none yet, and the app runs in this JVM
        System.gc();
        PrometheusText scrape = MetricsApiTest.scrapeUntil(client, s -> missing(expressions, s).isEmpty(), WAIT);
        assertEquals(Set.of(), missing(expressions, scrape), "queried by the dashboard, not exposed by the app");

        Set<String> absent = missing(List.of("sum(rate(photoqueue_photos_teleported_total[5m]))"), scrape);
        assertEquals(Set.of("photoqueue_photos_teleported_total"), absent, "a metric the app lacks is found missing");
        assertFalse(missing(List.of("photoqueue_upload_seconds_sum"), scrape).contains("photoqueue_upload_seconds"));
    }
}
