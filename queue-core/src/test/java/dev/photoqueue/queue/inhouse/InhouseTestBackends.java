package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.env.Env;

import java.util.Map;

/**
 * Opens the in-house backend in an environment of a test's choosing (files that fail, virtual
 * time), for tests outside this package: applications open backends by settings only
 * ({@link dev.photoqueue.queue.api.QueueBackends#open}), which always means the real machine.
 */
public final class InhouseTestBackends {

    private InhouseTestBackends() {
    }

    /** The backend {@code settings} describe (those of {@code QueueBackends.open}, without {@code backend}), in {@code env}. */
    public static QueueBackend open(Map<String, String> settings, Env env) {
        return InhouseBackend.open(InhouseConfig.parse(settings).withEnv(env));
    }
}
