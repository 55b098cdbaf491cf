package dev.photoqueue.worker.image;

/**
 * How the variants of a photo are drawn. Only {@link #UPRIGHT} is right; {@link #UPSIDE_DOWN} is the
 * deliberate bug of a demonstration worker version (see {@code WorkerVersion}), the kind of mistake
 * a replay of the job log repairs once a fixed version runs. Either way the output is
 * deterministic: the same source, spec and rendering give the same bytes.
 */
public enum Rendering {
    /** As the photo is seen, its EXIF orientation applied. */
    UPRIGHT,
    /** Turned half a turn: top at the bottom, left at the right. */
    UPSIDE_DOWN
}
