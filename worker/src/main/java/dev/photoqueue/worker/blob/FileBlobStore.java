package dev.photoqueue.worker.blob;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@link BlobStore} on a local file system; see there for the layout and guarantees. Thread-safe. */
final class FileBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
    private static final Pattern PHOTO_ID = Pattern.compile(PHOTO_ID_RULE);
    private static final String ORIGINALS = "originals";
    private static final String PHOTOS = "photos";
    private static final String MANIFEST = "manifest.json";

    private final Path root;
    private final boolean fsync;
    private final ObjectMapper json = JsonMapper.builder().build();
    /** Pieces an upload is staged in: small enough to stay out of the heap's large-object regions. */
    private static final int STAGING_BUFFER_BYTES = 64 * 1024;
    private static final String TEMP_SUFFIX = ".tmp";

    FileBlobStore(Path root, boolean fsync) {
        try {
            this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store root " + root, e);
        }
        this.fsync = fsync;
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
    public String storeOriginal(String photoId, byte[] bytes) {
        String location = ORIGINALS + "/" + requireValidPhotoId(photoId);
        writeAtomically(photoId, inside(photoId, location), bytes);
        return location;
    }

    @Override
    public StagedOriginal stageOriginal(String photoId, InputStream content, long maxBytes) {
        Path target = inside(photoId, ORIGINALS + "/" + requireValidPhotoId(photoId));
        Staged staged = stage(photoId, target);
        try {
            byte[] buffer = new byte[STAGING_BUFFER_BYTES];
            int n;
            while ((n = content.read(buffer)) > 0) {
                if (staged.size() + n > maxBytes) {
                    throw new SourceTooLargeException(photoId, target, staged.size() + n, maxBytes);
                }
                staged.write(buffer, 0, n);
            }
            return staged;
        } catch (IOException e) {
            staged.close();
            throw new BlobIOException(photoId, "staging", target, e);
        } catch (RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    @Override
    public byte[] readOriginal(String photoId, String location, String expectedSha256, long maxBytes) {
        Path path = inside(photoId, location);
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new SourceTooLargeException(photoId, path, size, maxBytes);
            }
            bytes = Files.readAllBytes(path);
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
    public String variantPath(String photoId, String variantName) {
        return PHOTOS + "/" + requireValidPhotoId(photoId) + "/" + variantName + ".jpg";
    }

    @Override
    public String writeVariant(String photoId, String variantName, byte[] jpeg) {
        String location = variantPath(photoId, variantName);
        writeAtomically(photoId, inside(photoId, location), jpeg);
        return location;
    }

    @Override
    public Optional<VariantManifest> readManifest(String photoId) {
        Path path = manifestPath(photoId);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
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
            return Optional.of(manifest);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the unreadable manifest {} of photo {}; its variants will be made again: {}", path,
                    photoId, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void writeManifest(VariantManifest manifest) {
        try {
            writeAtomically(manifest.photoId(), manifestPath(manifest.photoId()), json.writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException("serialising the manifest of photo " + manifest.photoId(), e);
        }
    }

    @Override
    public boolean filesMatch(VariantManifest manifest) {
        for (VariantManifest.Entry entry : manifest.variants()) {
            Path path = inside(manifest.photoId(), entry.path());
            try {
                if (!Files.isRegularFile(path) || Files.size(path) != entry.bytes()
                        || !sha256(Files.readAllBytes(path)).equals(entry.sha256())) {
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
            return Files.readAllBytes(path);
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
        try (Stream<Path> files = Files.walk(root, 3)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toMillis() < cutoff && Files.deleteIfExists(p)) {
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

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Path manifestPath(String photoId) {
        return inside(photoId, PHOTOS + "/" + requireValidPhotoId(photoId) + "/" + MANIFEST);
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

    /** Temp file in the target's folder, forced when fsync is on, renamed over the target, folder forced. */
    private void writeAtomically(String photoId, Path target, byte[] bytes) {
        try (Staged staged = stage(photoId, target)) {
            staged.write(bytes, 0, bytes.length);
            staged.commit();
        } catch (IOException e) {
            throw new BlobIOException(photoId, "writing", target, e);
        }
    }

    /** A new temporary file in the folder of {@code target}, to write {@code target} through. */
    private Staged stage(String photoId, Path target) {
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
            return new Staged(photoId, target, temp, FileChannel.open(temp, StandardOpenOption.WRITE));
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new BlobIOException(photoId, "writing", target, e);
        }
    }

    /**
     * A temporary file in the target's folder, written in pieces, then forced (when fsync is on),
     * renamed over the target and its folder forced: the one way every file of the store is written.
     */
    private final class Staged implements StagedOriginal {
        private final String photoId;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest digest = newSha256();
        private long size;
        private String location;
        private boolean closed;

        private Staged(String photoId, Path target, Path temp, FileChannel channel) {
            this.photoId = photoId;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
        }

        void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            digest.update(bytes, offset, length);
            size += length;
        }

        @Override
        public Path path() {
            return temp;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String sha256() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the platform's SHA-256 cannot be cloned", e);
            }
        }

        @Override
        public String commit() {
            if (closed) {
                throw new IllegalStateException("the staged original of photo " + photoId + " was closed");
            }
            if (location == null) {
                try {
                    if (fsync) {
                        channel.force(true);
                    }
                    channel.close();
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    if (fsync) {
                        try (FileChannel folder = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                            folder.force(true);
                        }
                    }
                } catch (IOException e) {
                    throw new BlobIOException(photoId, "writing", target, e);
                }
                location = root.relativize(target).toString().replace('\\', '/');
            }
            return location;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing the staged file {} of photo {} failed: {}", temp, photoId, e.toString());
            }
            if (location == null) {
                deleteQuietly(temp, null);
            }
        }
    }

    private static void deleteQuietly(Path temp, IOException cause) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            if (cause != null) {
                cause.addSuppressed(cleanup);
            } else {
                LOG.warn("could not delete the temporary file {}: {}", temp, cleanup.toString());
            }
        }
    }
}
