package dev.photoqueue.worker.image;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * A few full-size 3-byte BGR images for JPEGs to be decoded into, handed back after their
 * variants are rendered. A worker decodes a photo every few hundred milliseconds into a new
 * image of several megabytes: a large object for the collector, which starts a collection cycle
 * for it, and stops every thread of the process each time, the upload API's request threads
 * included. Reusing the buffers takes that allocation away.
 *
 * <p>Bounded: at most {@value #MAX_BUFFERS} buffers are kept (the default number of workers),
 * each of at most {@value #MAX_PIXELS} pixels (3 bytes each), so the pool holds at most 72 MB
 * for good; a larger photo, one decoding to another type, or a third decode at the same time
 * gets an image of its own as before. Thread-safe.
 */
final class DecodeBuffers {

    static final int MAX_BUFFERS = 2;
    static final long MAX_PIXELS = 12_000_000;

    private final Deque<BufferedImage> free = new ArrayDeque<>();

    /**
     * A buffer at least {@code width x height} for the reader's image, or null when the image
     * does not decode to 3-byte BGR or is too large to keep. The rows the photo will use are
     * cleared to black first: whatever a damaged file leaves undecoded must never show a piece
     * of the previous photo, which may be another user's.
     */
    BufferedImage take(ImageReader reader, int width, int height) throws IOException {
        return decodesToBgr(reader) ? take(width, height) : null;
    }

    /** A 3-byte BGR buffer at least {@code width x height}, cleared as above; null when too large to keep. */
    BufferedImage take(int width, int height) {
        if ((long) width * height > MAX_PIXELS) {
            return null;
        }
        synchronized (free) {
            for (Iterator<BufferedImage> it = free.iterator(); it.hasNext(); ) {
                BufferedImage b = it.next();
                if (b.getWidth() >= width && b.getHeight() >= height) {
                    it.remove();
                    byte[] pixels = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
                    Arrays.fill(pixels, 0, height * b.getWidth() * 3, (byte) 0);
                    return b;
                }
            }
            // none fits: drop the smallest kept one, so that the pool grows towards the photos' size
            if (free.size() >= MAX_BUFFERS) {
                free.stream().min((a, b) -> Long.compare((long) a.getWidth() * a.getHeight(),
                        (long) b.getWidth() * b.getHeight())).ifPresent(free::remove);
            }
        }
        return new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }

    /** Gives a buffer back; kept while fewer than {@value #MAX_BUFFERS} are. */
    void give(BufferedImage buffer) {
        synchronized (free) {
            if (free.size() < MAX_BUFFERS) {
                free.push(buffer);
            }
        }
    }

    private static boolean decodesToBgr(ImageReader reader) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        return raw != null && raw.getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR;
    }
}
