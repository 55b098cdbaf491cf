package dev.photoqueue.worker.blob;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.photoqueue.queue.env.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link BlobStore} on a file system reached only through {@link FileIO}: every create, write,
 * force, rename and delete goes through it, so that a test can fail any one of them. Atomic per
 * file: a reader sees a file's previous version or its new one, never a part. Durable with fsync
 * on: what a write promises when it returns is on the disk. A write that throws a
 * {@link BlobIOException} has not committed (the one exception, a failed folder force, is below).
 * Thread-safe.
 *
 * <p>Every file is written by a {@link StagedFile}, in five steps. The rename is the commit point:
 * <pre>
 *   step                                   a crash after this step leaves
 *   1 create a new temporary file beside   an empty temporary file; the target as it was
 *     the target: .NAME.RANDOM.tmp
 *   2 write the bytes into it              a temporary file holding a prefix of the bytes
 *   3 force it                  (fsync)    a complete temporary file; the target as it was
 *   4 rename it over the target  COMMIT    the new file whole at the target; after a power loss
 *                                          the old file (or none) may still be there instead
 *   5 force the target's folder (fsync)    the new file, durable
 * </pre>
 * A step that fails makes the write throw, and the temporary file is deleted (if that delete fails
 * too, it is logged and the file stays for the sweep). A crash in steps 1 to 3 leaves the
 * temporary file; {@link #deleteAbandonedTemporaryFiles}, run at start, deletes those older than
 * any live write. With fsync off, steps 3 and 5 are skipped: still atomic, but a power loss (not
 * a process crash) may lose recent files or leave them empty.
 *
 * <p>What each write has made durable when it returns (fsync on), and what a failure leaves:
 * <ul>
 * <li>{@link #stageOriginal}: steps 1 and 2 only. Nothing in the store changes; a crash leaves a
 *     temporary file. Disk full or an I/O error: {@link BlobIOException}, temporary file deleted.
 * <li>{@link StagedOriginal#commit} and {@link #storeOriginal} ({@code originals/<id>}): the
 *     original, its bytes and its name. Only then may the upload API produce the job. A failure in
 *     steps 2 to 4 leaves no original at the target (or the earlier one whole). A failure in step
 *     5 takes the rename back when no original was there before, so that nothing is at the target
 *     and no job is produced; a power loss right then may still bring the unforced original back,
 *     an orphan that no job names and that a retry with the same id replaces.
 * <li>{@link #writeVariant} ({@code photos/<id>/<variant>.jpg}): the variant. A failure in steps
 *     1 to 4 leaves the earlier version whole. A failure in step 5 leaves the new version visible,
 *     byte for byte what any earlier run made from the same source and spec, not yet known
 *     durable; the exception stops the job before its manifest, so the job runs again.
 * <li>{@link #writeManifest} ({@code photos/<id>/manifest.json}): the job's commit point, written
 *     after every variant it lists returned, in their folder, so a manifest on the disk means its
 *     variants are. A failure leaves the earlier manifest or none: the job runs again and makes
 *     the same files. After a failure in step 5 the new manifest is visible; a retry finds it
 *     matching and reports a duplicate.
 * </ul>
 *
 * <p>Reads ({@link #readOriginal}, {@link #read}, {@link #readManifest}, {@link #filesMatch}) go
 * through {@link FileIO} too. The one exception is the start-up sweep's search: it walks the
 * folders with {@link Files#walk}, streamed (FileIO's {@code list} would hold every original's
 * name in the heap at once), and reads ages with {@link Files#getLastModifiedTime}, which FileIO
 * does not offer; the deletes go through FileIO.
 */
final class FileBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
    private static final Pattern PHOTO_ID = Pattern.compile(PHOTO_ID_RULE);
    private static final Pattern VERSION = Pattern.compile(VERSION_RULE);
    private static final String ORIGINALS = "originals";
    private static final String PHOTOS = "photos";
    private static final String MANIFEST = "manifest.json";
    /** Pieces an upload is staged in: small enough to stay out of the heap's large-object regions. */
    private static final int STAGING_BUFFER_BYTES = 64 * 1024;
    /** Locks for the commits of originals, by target: see {@link StagedFile#commit}. */
    private static final int ORIGINAL_COMMIT_LOCKS = 32;

    private final Path root;
    private final boolean fsync;
    private final FileIO files;
    private final Object[] originalCommitLocks = Stream.generate(Object::new).limit(ORIGINAL_COMMIT_LOCKS)
            .toArray();
    private final ObjectMapper json = JsonMapper.builder().build();

    /** A store under {@code root} (created when missing) whose every file operation goes through {@code files}. */
    FileBlobStore(Path root, boolean fsync, FileIO files) {
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.files = files;
        try {
            files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store root " + this.root, e);
        }
    }

    static String requireValidPhotoId(String photoId) {
        if (photoId == null || !PHOTO_ID.matcher(photoId).matches()) {
            throw new InvalidPhotoIdException(photoId, PHOTO_ID_RULE);
        }
        return photoId;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public long usableSpace() {
        try {
            return files.usableSpace(root);
        } catch (IOException e) {
            LOG.debug("cannot read the free space under {}: {}", root, e.toString());
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String storeOriginal(String photoId, byte[] bytes) {
        try (StagedFile staged = newOriginal(photoId)) {
            try {
                staged.write(bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new BlobIOException(photoId, "writing", staged.target(), e);
            }
            return staged.commit();
        }
    }

    @Override
    public StagedOriginal stageOriginal(String photoId, InputStream content, long maxBytes) {
        StagedFile staged = newOriginal(photoId);
        try {
            byte[] buffer = new byte[STAGING_BUFFER_BYTES];
            int n;
            while ((n = content.read(buffer)) > 0) {
                if (staged.size() + n > maxBytes) {
                    throw new SourceTooLargeException(photoId, staged.target(), staged.size() + n, maxBytes);
                }
                staged.write(buffer, 0, n);
            }
            return staged;
        } catch (IOException e) {
            staged.close();
            throw new BlobIOException(photoId, "staging", staged.target(), e);
        } catch (RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    private StagedFile newOriginal(String photoId) {
        String location = ORIGINALS + "/" + requireValidPhotoId(photoId);
        Path target = inside(photoId, location);
        Object undoLock = originalCommitLocks[Math.floorMod(target.hashCode(), originalCommitLocks.length)];
        return StagedFile.create(files, fsync, photoId, target, location, undoLock);
    }

    @Override
    public byte[] readOriginal(String photoId, String location, String expectedSha256, long maxBytes) {
        Path path = inside(photoId, location);
        byte[] bytes;
        try {
            long size = files.size(path);
            if (size > maxBytes) {
                throw new SourceTooLargeException(photoId, path, size, maxBytes);
            }
            bytes = files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(photoId, path);
        } catch (IOException e) {
            throw new BlobIOException(photoId, "reading", path, e);
        }
        String actual = sha256(bytes);
        if (!actual.equals(expectedSha256)) {
            throw new DigestMismatchException(photoId, path, expectedSha256, actual);
        }
        return bytes;
    }

    @Override
    public String variantPath(String photoId, String version, String variantName) {
        return folderOf(photoId, version) + variantName + ".jpg";
    }

    @Override
    public String writeVariant(String photoId, String version, String variantName, byte[] jpeg) {
        String location = variantPath(photoId, version, variantName);
        writeAtomically(photoId, location, jpeg);
        return location;
    }

    @Override
    public Optional<VariantManifest> readManifest(String photoId, String version) {
        Path path = inside(photoId, manifestLocation(photoId, version));
        byte[] bytes;
        try {
            bytes = files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobIOException(photoId, "reading", path, e);
        }
        try {
            VariantManifest manifest = json.readValue(bytes, VariantManifest.class);
            // a manifest of another photo (a copied folder) or an unreadable one proves nothing: redo the work
            if (!manifest.photoId().equals(photoId)) {
                LOG.warn("ignoring the manifest {}: it is for photo {}", path, manifest.photoId());
                return Optional.empty();
            }
            if (!manifest.madeBy().equals(version)) {
                LOG.warn("ignoring the manifest {}: it names worker version {}", path, manifest.madeBy());
                return Optional.empty();
            }
            return Optional.of(manifest);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the unreadable manifest {} of photo {}; its variants will be made again: {}", path,
                    photoId, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void writeManifest(VariantManifest manifest) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising the manifest of photo " + manifest.photoId(), e);
        }
        writeAtomically(manifest.photoId(), manifestLocation(manifest.photoId(), manifest.madeBy()), bytes);
    }

    @Override
    public boolean filesMatch(VariantManifest manifest) {
        for (VariantManifest.Entry entry : manifest.variants()) {
            Path path = inside(manifest.photoId(), entry.path());
            try {
                if (!files.exists(path) || files.isDirectory(path) || files.size(path) != entry.bytes()
                        || !sha256(files.readAllBytes(path)).equals(entry.sha256())) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw new BlobIOException(manifest.photoId(), "checking", path, e);
            }
        }
        return true;
    }

    @Override
    public byte[] read(String photoId, String relativePath) {
        Path path = inside(photoId, relativePath);
        try {
            return files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(photoId, path);
        } catch (IOException e) {
            throw new BlobIOException(photoId, "reading", path, e);
        }
    }

    @Override
    public int deleteAbandonedTemporaryFiles(Duration olderThan) {
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        int deleted = 0;
        // depth 4 reaches photos/<id>/<version>/<file>, the deepest files of the layout
        try (Stream<Path> found = Files.walk(root, 4)) {
            for (Path p : (Iterable<Path>) found::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(StagedFile.TEMP_PREFIX) && name.endsWith(StagedFile.TEMP_SUFFIX)
                        && Files.isRegularFile(p) && Files.getLastModifiedTime(p).toMillis() < cutoff
                        && deleteTemporaryFile(p)) {
                    deleted++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("looking for abandoned temporary files under {} failed after {} deleted: {}", root, deleted,
                    e.toString());
        }
        if (deleted > 0) {
            LOG.info("deleted {} temporary files of unfinished writes under {}", deleted, root);
        }
        return deleted;
    }

    /** True when {@code temp} was there and went; a failed delete is logged and the sweep goes on. */
    private boolean deleteTemporaryFile(Path temp) {
        try {
            return files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("could not delete the abandoned temporary file {}: {}", temp, e.toString());
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String manifestLocation(String photoId, String version) {
        return folderOf(photoId, version) + MANIFEST;
    }

    /** The folder of a version's files of a photo, ending in {@code /}: see the layout in {@link BlobStore}. */
    private static String folderOf(String photoId, String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("worker version must match " + VERSION_RULE + ", was '" + version + "'");
        }
        String photo = PHOTOS + "/" + requireValidPhotoId(photoId) + "/";
        return version.equals(ORIGINAL_VERSION) ? photo : photo + version + "/";
    }

    /** {@code location} resolved under the root; {@link InvalidBlobLocationException} when it would leave it. */
    private Path inside(String photoId, String location) {
        if (location == null || location.isBlank() || location.indexOf('\0') >= 0) {
            throw new InvalidBlobLocationException(photoId, location, root);
        }
        Path relative = Path.of(location);
        Path resolved = root.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(root) || resolved.equals(root)) {
            throw new InvalidBlobLocationException(photoId, location, root);
        }
        return resolved;
    }

    /** Steps 1 to 5 of the class comment for {@code location}; {@link BlobIOException} naming it when one fails. */
    private void writeAtomically(String photoId, String location, byte[] bytes) {
        Path target = inside(photoId, location);
        try (StagedFile staged = StagedFile.create(files, fsync, photoId, target, location, null)) {
            try {
                staged.write(bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new BlobIOException(photoId, "writing", target, e);
            }
            staged.commit();
        }
    }
}
