package dev.photoqueue.queue.api;

/**
 * The backend's servers did not answer in time (a Kafka cluster that is down or unreachable);
 * the message names the addresses tried and how long the call waited.
 */
public final class BackendUnavailableException extends QueueException {

    private final String servers;
    private final long waitedMs;

    public BackendUnavailableException(String servers, long waitedMs, String action, Throwable cause) {
        super("cannot " + action + ": no answer from " + servers + " within " + waitedMs + " ms"
                + (cause == null ? "" : " (" + cause + ")"), cause);
        this.servers = servers;
        this.waitedMs = waitedMs;
    }

    public String servers() {
        return servers;
    }

    public long waitedMs() {
        return waitedMs;
    }
}
