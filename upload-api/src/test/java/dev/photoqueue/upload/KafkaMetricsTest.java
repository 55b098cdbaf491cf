package dev.photoqueue.upload;

import dev.photoqueue.queue.kafka.EmbeddedKafka;
import dev.photoqueue.upload.TestClient.Part;
import dev.photoqueue.worker.PrometheusText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics on Kafka (a real broker in the test JVM): outcomes counted from {@code photo.events}
 * as committed, and the thumbnail workers' lag per partition, read through Kafka's admin client in
 * the background, rising by exactly the jobs uploaded while the workers are paused. The broker is
 * shared with the other Kafka tests, whose photos may be on the same topics, so every figure is
 * compared with one taken before.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> THUMBNAILERS = Map.of("group", "thumbnailers", "topic", "photo.uploaded");

    @Test
    void lagPerPartitionIsTheJobsWaitingWhileTheWorkersArePausedAndOutcomesAreCounted() {
        try (RunningApp running = RunningApp.start(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS",
                EmbeddedKafka.bootstrapServers(), "WORKERS", "1", "PARTITIONS", "2", "SESSION_TIMEOUT_MS", "3000"))) {
            TestClient client = running.client;
            PrometheusText start = MetricsApiTest.scrape(client);
            // one photo through, so that the group has positions on Kafka
            String id = json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
            client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
            MetricsApiTest.awaitScrape(client, "the photo counted done", s ->
                    s.sum("photoqueue_photos_processed_total", Map.of("outcome", "done"))
                            > start.sum("photoqueue_photos_processed_total", Map.of("outcome", "done")), WAIT);

            // and committed: a position still moving when the workers stop (a commit in flight, or a
            // redelivery after a session ran out on a busy machine) would move the lag under the test
            MetricsApiTest.awaitScrape(client, "the first photo's job committed",
                    s -> s.all("photoqueue_group_lag", THUMBNAILERS).size() > 0
                            && s.sum("photoqueue_group_lag", THUMBNAILERS) == 0, WAIT);

            assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":0}").statusCode());
            try {
                client.await("/api/workers", w -> w.get("count").asInt() == 0, WAIT);
                long stopped = System.nanoTime();
                // another test on this broker may have made photo.uploaded first, with its own count
                int partitions = partitionsOf(client);
                assertTrue(partitions >= 1, "photo.uploaded has partitions");
                PrometheusText before = MetricsApiTest.awaitScrape(client, "the lag of every partition, settled",
                        s -> s.all("photoqueue_group_lag", THUMBNAILERS).size() == partitions
                                && MetricsApiTest.readSince(s, stopped)
                                && s.sum("photoqueue_backlog", Map.of())
                                == s.sum("photoqueue_group_lag", THUMBNAILERS), WAIT);
                Map<String, Double> expected = new HashMap<>();
                for (int p = 0; p < partitions; p++) {
                    expected.put(String.valueOf(p), lag(before, p));
                }
                for (int i = 0; i < 4; i++) {
                    HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "wait-" + i + ".jpg",
                            TestClient.sample("GreenMeadow.jpg")));
                    assertEquals(202, r.statusCode(), r.body());
                    expected.merge(String.valueOf(json(r).get("partition").asInt()), 1.0, Double::sum);
                }
                PrometheusText after = MetricsApiTest.awaitScrape(client, "the four jobs in the lag",
                        s -> s.sum("photoqueue_group_lag", THUMBNAILERS)
                                == before.sum("photoqueue_group_lag", THUMBNAILERS) + 4, WAIT);
                expected.forEach((p, lag) -> assertEquals(lag, lag(after, Integer.parseInt(p)), "partition " + p));
                assertFalse(after.names().contains("photoqueue_log_append_seconds_count"),
                        "Kafka's log is the brokers': nothing is timed here");
            } finally {
                assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":1}").statusCode());
            }
            MetricsApiTest.awaitScrape(client, "the lag gone once a worker runs again",
                    s -> s.sum("photoqueue_group_lag", THUMBNAILERS) == 0, WAIT);
        }
    }

    private static double lag(PrometheusText scrape, int partition) {
        Map<String, String> labels = new HashMap<>(THUMBNAILERS);
        labels.put("partition", String.valueOf(partition));
        return scrape.sum("photoqueue_group_lag", labels);
    }

    private static int partitionsOf(TestClient client) {
        for (var topic : json(client.get("/api/queue")).get("topics")) {
            if (topic.get("name").asText().equals("photo.uploaded")) {
                return topic.get("partitions").size();
            }
        }
        return 0;
    }
}
