package dev.photoqueue.upload.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.upload.service.PhotoListener;
import dev.photoqueue.upload.service.PhotoView;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: Server-Sent Events to every connected page: {@code hello} once the
 * stream is listening, then each status change of a photo as event {@code photo} (uploaded =
 * QUEUED, PROCESSING, DONE, FAILED, DEAD_LETTERED) with the photo's JSON. Sending happens on one
 * thread of its own, in the order the events arrived, so a slow page never holds up the status
 * view. A comment every {@value #HEARTBEAT_SECONDS} s finds connections that went away. A request
 * whose {@code Accept} allows no {@value #MEDIA_TYPE} ({@link AcceptHeader}) gets 406
 * {@code not_acceptable}, one whose Accept cannot be read 400. Thread-safe.
 */
public final class EventStream implements PhotoListener, AutoCloseable {

    static final int HEARTBEAT_SECONDS = 15;
    /** The only type this route answers with. */
    static final String MEDIA_TYPE = "text/event-stream";
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

    /**
     * {@code GET /api/events}: the stream, when the request's Accept allows it. Javalin's own SSE
     * route only streams to an Accept that names {@value #MEDIA_TYPE} literally, and answers any
     * other with an empty 200; this one follows the Accept rules (no Accept, {@code *}{@code /*} and
     * {@code text/*} allow the stream; {@code q=0} refuses it) and says no with 406.
     */
    void open(Context ctx) {
        AcceptHeader accept;
        try {
            accept = AcceptHeader.parse(Collections.list(ctx.req().getHeaders("Accept")));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Accept cannot be read: " + e.getMessage());
        }
        if (!accept.allows(MEDIA_TYPE)) {
            throw new ApiException(406, "not_acceptable", "Accept: " + accept + " does not allow " + MEDIA_TYPE
                    + ", the only type GET " + ctx.path() + " answers with");
        }
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType(MEDIA_TYPE);
        res.addHeader("Connection", "close"); // a stream ends only with its connection
        res.addHeader("Cache-Control", "no-cache");
        res.addHeader("X-Accel-Buffering", "no"); // a proxy in front must pass each event on at once
        try {
            res.flushBuffer(); // the page sees the stream open before the first event
        } catch (IOException e) {
            throw new UncheckedIOException("the event stream's client went away at once", e);
        }
        // held open on Javalin's async executor, without a timeout, until the client or close() ends it
        ctx.async(task -> task.timeout = 0, () -> connect(new SseClient(ctx)));
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
        if (clients.isEmpty()) {
            return; // no page to tell: nothing to write (the status view's rebuild changes every photo)
        }
        String text;
        try {
            text = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event + " cannot be written as JSON: " + e.getMessage(), e);
        }
        try {
            sender.execute(() -> {
                for (SseClient client : clients) {
                    if (client.terminated()) {
                        clients.remove(client);
                    } else {
                        client.sendEvent(event, text);
                    }
                }
            });
        } catch (RejectedExecutionException closing) {
            // the stream is closing with the app: there is no one left to tell
        }
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
