package dev.photoqueue.worker.job;

/** A job message that is not a valid {@link PhotoUploaded}: bad JSON, a missing or invalid field. */
public final class MalformedJobException extends PermanentJobException {

    private final String source;

    public MalformedJobException(String source, String photoId, String detail, Throwable cause) {
        super(photoId, "malformed job message at " + source + (photoId == null ? "" : " (photo " + photoId + ")")
                + ": " + detail, cause);
        this.source = source;
    }

    /** Where the message came from, e.g. {@code photo.uploaded-2@17}. */
    public String source() {
        return source;
    }
}
