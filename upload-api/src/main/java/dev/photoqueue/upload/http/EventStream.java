package dev.photoqueue.upload.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.upload.service.PhotoListener;
import dev.photoqueue.upload.service.PhotoView;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: Server-Sent Events to every connected page. A photo's every status
 * change goes out as event {@code photo} (uploaded = QUEUED, PROCESSING, DONE, FAILED,
 * DEAD_LETTERED) with the photo's JSON; {@code workers} when the pool is resized. Sending happens on
 * one thread of its own, in the order the events arrived, so a slow page never holds up the status
 * view. A comment every {@value #HEARTBEAT_SECONDS} s finds connections that went away. Thread-safe.
 */
public final class EventStream implements PhotoListener, AutoCloseable {

    static final int HEARTBEAT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final ObjectMapper json;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> daemon(r, "sse-sender"));
    private final ScheduledExecutorService heartbeat =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sse-heartbeat"));

    public EventStream(ObjectMapper json) {
        this.json = json;
        heartbeat.scheduleAtFixedRate(this::sendHeartbeats, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** A scheduled task must not end on an exception: one broken client must not stop the others' heartbeats. */
    private void sendHeartbeats() {
        try {
            sender.execute(() -> clients.forEach(c -> {
                try {
                    c.sendComment("heartbeat");
                } catch (RuntimeException e) {
                    clients.remove(c);
                }
            }));
        } catch (RejectedExecutionException closing) {
            // the stream is closing
        }
    }

    void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        sender.execute(() -> client.sendEvent("hello", "{\"clients\":" + clients.size() + "}"));
    }

    @Override
    public void photoChanged(PhotoView photo) {
        publish("photo", photo);
    }

    /** Sends {@code data} as JSON under the event name {@code event} to every connected page. */
    public void publish(String event, Object data) {
        String text;
        try {
            text = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event + " cannot be written as JSON: " + e.getMessage(), e);
        }
        sender.execute(() -> {
            for (SseClient client : clients) {
                if (client.terminated()) {
                    clients.remove(client);
                } else {
                    client.sendEvent(event, text);
                }
            }
        });
    }

    int connected() {
        return clients.size();
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        sender.shutdownNow();
        clients.forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing an event stream failed: {}", e.toString());
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
