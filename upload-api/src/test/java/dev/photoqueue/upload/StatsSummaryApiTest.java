package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code GET /api/stats} on a real server: the users with the most events first, ten unless
 * {@code ?limit=} asks for another number, how many users there are and the sums over all of them,
 * so that a page shows a bounded table however many users upload.
 */
class StatsSummaryApiTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int USERS = 13;
    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void uploadOnePhotoForEachOfThirteenUsersAndThreeMoreForOne() {
        running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "3"));
        client = running.client;
        List<String> uploads = new ArrayList<>();
        for (int u = 1; u <= USERS; u++) {
            uploads.add(String.format("user-%02d", u));
        }
        uploads.addAll(List.of("user-07", "user-07", "user-07"));
        for (int i = 0; i < uploads.size(); i++) {
            HttpResponse<String> r = client.upload("", Map.of(),
                    Part.file("file", "p" + i + ".jpg", tinyJpeg(i)), Part.field("user", uploads.get(i)));
            assertEquals(202, r.statusCode(), r.body());
        }
        client.await("/api/stats", s -> s.get("total").get("counted").asInt() == uploads.size(), WAIT);
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void theTenUsersWithTheMostEventsComeFirstWithATotalOverEveryUser() {
        JsonNode stats = json(client.get("/api/stats"));
        assertEquals(10, stats.get("users").size(), stats.toString());
        assertEquals("user-07", stats.get("users").get(0).get("userId").asText(), "the most events first");
        assertEquals(4, stats.get("users").get(0).get("counted").asInt());
        assertEquals("user-01", stats.get("users").get(1).get("userId").asText(), "ties in user id order");
        assertEquals(USERS, stats.get("userCount").asInt());
        JsonNode total = stats.get("total");
        assertEquals(USERS + 3, total.get("counted").asInt(), total.toString());
        assertEquals(USERS + 3, total.get("distinct").asInt(), total.toString());
        assertEquals(0, total.get("redelivered").asInt() + total.get("replayed").asInt(), total.toString());
    }

    @Test
    void aLimitAsksForMoreOrFewerUsersAndABadOneIsRefused() {
        assertEquals(USERS, json(client.get("/api/stats?limit=50")).get("users").size());
        assertEquals(1, json(client.get("/api/stats?limit=1")).get("users").size());
        assertError(client.get("/api/stats?limit=0"), 400, "bad_request");
        assertError(client.get("/api/stats?limit=ten"), 400, "bad_request");
    }

    /** A small JPEG whose pixels differ with {@code seed}, so that every upload is its own photo. */
    static byte[] tinyJpeg(int seed) {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, (x * 4 + seed * 37) << 16 | (y * 5) << 8 | (seed * 11 & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
