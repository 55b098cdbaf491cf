package dev.photoqueue.worker.blob;

import dev.photoqueue.queue.env.FileIO;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where originals and variants live. Layout under the root:
 *
 * <table>
 * <caption>blob store layout</caption>
 * <tr><td>{@code originals/<photoId>}</td><td>the uploaded bytes</td></tr>
 * <tr><td>{@code photos/<photoId>/<variant>.jpg}</td><td>one file per variant of {@link #ORIGINAL_VERSION}</td></tr>
 * <tr><td>{@code photos/<photoId>/manifest.json}</td><td>{@link VariantManifest}, written after the variants</td></tr>
 * <tr><td>{@code photos/<photoId>/<version>/...}</td><td>the same two of any other worker version</td></tr>
 * </table>
 *
 * <p>Every worker version has files of its own, so a version that renders differently (a fix)
 * never takes another's variants for its own, and never overwrites them: a replay under the fixed
 * version writes beside the faulty files, and the variants of photos it does not reach stay as
 * they were, byte for byte. {@link #ORIGINAL_VERSION} keeps the layout from before versions
 * existed, so the variants written then are still found as its own.
 *
 * <p>Guarantees: every file is written to a temporary file in its own folder and renamed over the
 * target atomically, so a reader sees the old file or the new one, never a part; with fsync on,
 * the data and the rename are forced to disk before a write returns. A write that fails throws
 * {@link BlobIOException} naming the photo and the file, deletes its temporary file and leaves
 * the target as it was; {@code FileBlobStore}'s class comment gives the commit point of every
 * write and what a crash at each step leaves. Photo ids are checked
 * ({@link #requireValidPhotoId}) and every path is checked to stay inside the root. Thread-safe:
 * concurrent writes of the same file leave one complete version.
 */
public interface BlobStore {

    /** The worker version whose files have no folder of their own: all variants written before versions existed. */
    String ORIGINAL_VERSION = "v1";

    /** Worker version names: {@code v} and 1 to 9 digits, a folder name that no variant file or manifest can have. */
    String VERSION_RULE = "v[0-9]{1,9}";

    /** Photo ids: 1 to 128 letters, digits, {@code -} or {@code _}, starting with a letter or digit. */
    String PHOTO_ID_RULE = "[A-Za-z0-9][A-Za-z0-9_-]{0,127}";

    /** A store under {@code root} (created when missing); {@code fsync} forces every write to disk. */
    static BlobStore onFileSystem(Path root, boolean fsync) {
        return onFileSystem(root, fsync, FileIO.local());
    }

    /**
     * A store under {@code root} whose every file operation goes through {@code files}:
     * production passes {@link FileIO#local()}, tests one that fails chosen operations.
     */
    static BlobStore onFileSystem(Path root, boolean fsync, FileIO files) {
        return new FileBlobStore(root, fsync, files);
    }

    /** {@link InvalidPhotoIdException} unless {@code photoId} matches {@link #PHOTO_ID_RULE}. */
    static String requireValidPhotoId(String photoId) {
        return FileBlobStore.requireValidPhotoId(photoId);
    }

    /** The SHA-256 of {@code bytes} as 64 lower-case hex digits, as jobs and manifests carry it. */
    static String sha256(byte[] bytes) {
        return FileBlobStore.sha256(bytes);
    }

    Path root();

    /**
     * Bytes still free for this store's files on the file system that holds them, or
     * {@link Long#MAX_VALUE} when the file system cannot tell (a write then finds out).
     */
    long usableSpace();

    /** Stores an original atomically; returns its location for the job ({@code originals/<photoId>}). */
    String storeOriginal(String photoId, byte[] bytes);

    /**
     * Streams {@code content} into a temporary file beside the original's place, computing its
     * digest on the way, for the caller to check and then {@link StagedOriginal#commit} or close.
     * {@link SourceTooLargeException} (and nothing left behind) once more than {@code maxBytes} came;
     * {@link BlobIOException} when reading or writing fails.
     */
    StagedOriginal stageOriginal(String photoId, java.io.InputStream content, long maxBytes);

    /**
     * Reads the original at {@code location} and checks its digest. {@link BlobNotFoundException}
     * when it is not there, {@link SourceTooLargeException} when it has more than {@code maxBytes}
     * (checked before reading), {@link DigestMismatchException}, {@link InvalidBlobLocationException},
     * {@link BlobIOException}.
     */
    byte[] readOriginal(String photoId, String location, String expectedSha256, long maxBytes);

    /**
     * The location of a variant made by worker {@code version}, relative to the root:
     * {@code photos/<photoId>/<variant>.jpg} for {@link #ORIGINAL_VERSION}, else
     * {@code photos/<photoId>/<version>/<variant>.jpg}. {@link IllegalArgumentException} when the
     * version does not match {@link #VERSION_RULE}.
     */
    String variantPath(String photoId, String version, String variantName);

    /** {@link #variantPath(String, String, String)} of {@link #ORIGINAL_VERSION}. */
    default String variantPath(String photoId, String variantName) {
        return variantPath(photoId, ORIGINAL_VERSION, variantName);
    }

    /** Writes a variant of worker {@code version} atomically; returns {@link #variantPath}. */
    String writeVariant(String photoId, String version, String variantName, byte[] jpeg);

    /** {@link #writeVariant(String, String, String, byte[])} of {@link #ORIGINAL_VERSION}. */
    default String writeVariant(String photoId, String variantName, byte[] jpeg) {
        return writeVariant(photoId, ORIGINAL_VERSION, variantName, jpeg);
    }

    /** The manifest worker {@code version} wrote for the photo, if it wrote one. */
    Optional<VariantManifest> readManifest(String photoId, String version);

    /** {@link #readManifest(String, String)} of {@link #ORIGINAL_VERSION}. */
    default Optional<VariantManifest> readManifest(String photoId) {
        return readManifest(photoId, ORIGINAL_VERSION);
    }

    /**
     * Writes the manifest atomically to the folder of its version ({@link VariantManifest#madeBy});
     * call it after every variant it lists is written.
     */
    void writeManifest(VariantManifest manifest);

    /** True when the manifest's every file exists with the size and SHA-256 it records. */
    boolean filesMatch(VariantManifest manifest);

    /**
     * Deletes the temporary files of writes that never finished (a process killed mid-write) and
     * were last modified before {@code olderThan} ago: old enough that no live writer, in this
     * process or another sharing the store, still holds them. Returns how many went.
     */
    int deleteAbandonedTemporaryFiles(java.time.Duration olderThan);

    /** Bytes of a file given relative to the root; {@link BlobNotFoundException} when missing. */
    byte[] read(String photoId, String relativePath);
}
