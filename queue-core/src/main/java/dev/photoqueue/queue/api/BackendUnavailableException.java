package dev.photoqueue.queue.api;

/**
 * The backend's servers did not answer in time (a Kafka cluster that is down or unreachable);
 * the message names the addresses tried, how long the call waited and the client's reason in its
 * own words (not its exception's type). For a send, {@link #outcomeUnknown} says whether the
 * record may have been written all the same: a Kafka send that timed out, or failed on an error
 * it retried, may have reached a leader that then could not replicate it in time, and Kafka may
 * still make it readable later.
 */
public final class BackendUnavailableException extends QueueException {

    private final String servers;
    private final long waitedMs;
    private final boolean outcomeUnknown;

    public BackendUnavailableException(String servers, long waitedMs, String action, Throwable cause) {
        this(servers, waitedMs, action, cause, false);
    }

    /** {@code outcomeUnknown}: a send that may have been written although it failed. */
    public BackendUnavailableException(String servers, long waitedMs, String action, Throwable cause,
                                       boolean outcomeUnknown) {
        super("cannot " + action + ": no answer from " + servers + " within " + waitedMs + " ms"
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                + (outcomeUnknown ? "; the record may still be written" : ""), cause);
        this.servers = servers;
        this.waitedMs = waitedMs;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** True for a send that failed but may have been written all the same. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    public String servers() {
        return servers;
    }

    public long waitedMs() {
        return waitedMs;
    }
}
