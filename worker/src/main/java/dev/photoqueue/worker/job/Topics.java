package dev.photoqueue.worker.job;

/** The names the worker and its producers agree on. */
public final class Topics {

    /** Jobs: one {@link PhotoUploaded} per stored photo, keyed by photo id. */
    public static final String PHOTO_UPLOADED = "photo.uploaded";
    /** Outcomes: {@link PhotoProcessed} and {@link PhotoFailed}, keyed by photo id. */
    public static final String PHOTO_EVENTS = "photo.events";
    /** The consumer group of the thumbnail workers. */
    public static final String THUMBNAILERS = "thumbnailers";

    private Topics() {
    }
}
