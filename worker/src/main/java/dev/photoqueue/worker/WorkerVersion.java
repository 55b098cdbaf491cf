package dev.photoqueue.worker;

import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.Rendering;

import java.util.Arrays;
import java.util.Locale;

/**
 * The releases of the thumbnail worker the demo can run, to show a replay after a bug fix: v1 renders
 * correctly, v2 has a deliberate bug (every variant upside down), v3 is the fix. Each version has
 * variant files of its own ({@link BlobStore}'s layout) and its own manifest, so idempotence is
 * per version: v3 re-renders a photo v2 made and skips a photo it made itself.
 */
public enum WorkerVersion {
    /** The first release: correct variants, in the layout from before versions existed. */
    V1(BlobStore.ORIGINAL_VERSION, Rendering.UPRIGHT, "the first release"),
    /** A release with a bug: every variant is upside down. */
    V2("v2", Rendering.UPSIDE_DOWN, "a release with a bug: every variant upside down"),
    /** The fix of v2: correct variants again. */
    V3("v3", Rendering.UPRIGHT, "the fix of v2");

    /** The version a worker runs unless told otherwise. */
    public static final WorkerVersion DEFAULT = V1;

    private final String wireName;
    private final Rendering rendering;
    private final String description;

    WorkerVersion(String wireName, Rendering rendering, String description) {
        this.wireName = wireName;
        this.rendering = rendering;
        this.description = description;
    }

    /** The name in settings, APIs and the blob store's folders: {@code v1}, {@code v2}, {@code v3}. */
    public String wireName() {
        return wireName;
    }

    public Rendering rendering() {
        return rendering;
    }

    /** One line for people: what this release does. */
    public String description() {
        return description;
    }

    /**
     * The version named {@code text} (case and surrounding blanks ignored);
     * {@link IllegalArgumentException} naming {@code field} and the value otherwise.
     */
    public static WorkerVersion parse(String field, String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (WorkerVersion v : values()) {
            if (v.wireName.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException(field + " must be one of " + names() + ", was '" + text + "'");
    }

    /** Every version's name, oldest first, as {@code v1, v2, v3}. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(WorkerVersion::wireName).toList());
    }
}
