package dev.photoqueue.worker.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * libjpeg-turbo's TurboJPEG C library (Debian's {@code libturbojpeg0}, API 2.x), called through
 * JNA: JPEG decoding scaled in the DCT (1/8 to 8/8 of the stored size) and SIMD encoding. Every
 * decode and encode opens and destroys its own TurboJPEG handle (a handle is not thread-safe, and
 * opening one costs microseconds), so an instance is thread-safe.
 *
 * <p>Decoding reports any error or warning as a failed decode and leaves the judgement to the
 * caller: the decoder then decodes the file with ImageIO, whose verdict on damaged data is the
 * one the worker has always given.
 */
final class TurboJpeg {

    /** TurboJPEG's pixel formats, subsamplings, colour spaces and flags used here (turbojpeg.h). */
    static final int TJPF_BGR = 1;
    static final int TJPF_BGRX = 3;
    static final int TJSAMP_420 = 2;
    static final int TJCS_RGB = 0;
    static final int TJCS_YCBCR = 1;
    static final int TJCS_GRAY = 2;
    /** Fail a progressive JPEG of more than 500 scans rather than spend minutes on it. */
    private static final int TJFLAG_LIMITSCANS = 32768;

    /** The few functions of {@code turbojpeg.h} called here. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, int[] width, int[] height,
                                int[] jpegSubsamp, int[] jpegColorspace);

        int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf, int width, int pitch,
                          int height, int pixelFormat, int flags);

        Pointer tjInitCompress();

        int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat,
                        PointerByReference jpegBuf, NativeLongByReference jpegSize, int jpegSubsamp, int jpegQual,
                        int flags);

        void tjFree(Pointer buffer);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);
    }

    /** What a JPEG's header says: stored size, chroma subsampling and colour space (TJCS_*). */
    record Header(int width, int height, int subsampling, int colorspace) {
    }

    private final Api api;

    private TurboJpeg(Api api) {
        this.api = api;
    }

    /**
     * The library when it loads, else empty and {@code why} holds the reason. Looked up as
     * {@code libturbojpeg.so.0}, the runtime package's file name (the unversioned name comes with
     * the development package only), then as {@code turbojpeg}.
     */
    static Optional<TurboJpeg> load(StringBuilder why) {
        for (String name : new String[] {"libturbojpeg.so.0", "turbojpeg"}) {
            try {
                Api api = Native.load(name, Api.class);
                Pointer probe = api.tjInitCompress();
                if (probe == null) {
                    why.append(name).append(": tjInitCompress failed; ");
                    continue;
                }
                api.tjDestroy(probe);
                return Optional.of(new TurboJpeg(api));
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                why.append(name).append(": ").append(e.getMessage()).append("; ");
            }
        }
        return Optional.empty();
    }

    /**
     * A JPEG opened for decoding: its bytes copied once into native memory (JNA would copy a Java
     * array in and back out on every call) and a decompression handle. One thread; close it.
     */
    Decompression open(byte[] jpeg) {
        Memory source = new Memory(Math.max(1, jpeg.length));
        source.write(0, jpeg, 0, jpeg.length);
        Pointer handle = api.tjInitDecompress();
        if (handle == null) {
            source.close();
            throw new IllegalStateException("tjInitDecompress failed");
        }
        return new Decompression(handle, source, jpeg.length);
    }

    /** See {@link #open}. */
    final class Decompression implements AutoCloseable {
        private final Pointer handle;
        private final Memory source;
        private final NativeLong size;

        private Decompression(Pointer handle, Memory source, int size) {
            this.handle = handle;
            this.source = source;
            this.size = new NativeLong(size);
        }

        /**
         * The header, or null when TurboJPEG cannot read one. A file that ends before its frame
         * header reads to libjpeg as tables only, for which TurboJPEG 2 says success and leaves
         * the size at 0x0: null as well, so that ImageIO judges it.
         */
        Header header() {
            int[] w = new int[1];
            int[] h = new int[1];
            int[] subsampling = new int[1];
            int[] colorspace = new int[1];
            if (api.tjDecompressHeader3(handle, source, size, w, h, subsampling, colorspace) != 0
                    || w[0] < 1 || h[0] < 1) {
                return null;
            }
            return new Header(w[0], h[0], subsampling[0], colorspace[0]);
        }

        /**
         * Decodes the JPEG at {@code eighths}/8 of its stored size into the top left of
         * {@code bgr}, a {@link BufferedImage#TYPE_3BYTE_BGR} image at least that large. Null
         * when it decoded without error or warning, else TurboJPEG's message.
         */
        String decode(Header header, int eighths, BufferedImage bgr) {
            if (bgr.getType() != BufferedImage.TYPE_3BYTE_BGR) {
                throw new IllegalArgumentException("TurboJPEG decodes into 3-byte BGR here, not image type "
                        + bgr.getType());
            }
            int width = scaled(header.width(), eighths);
            int height = scaled(header.height(), eighths);
            if (bgr.getWidth() < width || bgr.getHeight() < height) {
                throw new IllegalArgumentException("a " + bgr.getWidth() + "x" + bgr.getHeight()
                        + " image cannot take " + width + "x" + height);
            }
            int row = width * 3;
            try (Memory pixels = new Memory((long) row * height)) {
                if (api.tjDecompress2(handle, source, size, pixels, width, row, height, TJPF_BGR,
                        TJFLAG_LIMITSCANS) != 0) {
                    return api.tjGetErrorStr2(handle);
                }
                byte[] target = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
                int pitch = bgr.getWidth() * 3;
                if (pitch == row) {
                    pixels.read(0, target, 0, row * height);
                } else {
                    for (int y = 0; y < height; y++) {
                        pixels.read((long) y * row, target, y * pitch, row);
                    }
                }
                return null;
            }
        }

        @Override
        public void close() {
            api.tjDestroy(handle);
            source.close();
        }
    }

    /**
     * {@code image}, a packed {@link BufferedImage#TYPE_INT_RGB} image ({@link #encodes}), as a
     * baseline JPEG of {@code quality} (1 to 100) with 4:2:0 chroma subsampling and the standard
     * Huffman tables: what ImageIO's writer makes of an RGB image.
     */
    byte[] encode(BufferedImage image, int quality) {
        int[] pixels = packedRgb(image);
        int w = image.getWidth();
        int h = image.getHeight();
        Pointer handle = api.tjInitCompress();
        if (handle == null) {
            throw new IllegalStateException("tjInitCompress failed");
        }
        PointerByReference out = new PointerByReference();
        NativeLongByReference size = new NativeLongByReference(new NativeLong(0));
        try (Memory source = new Memory((long) w * h * 4)) {
            source.write(0, pixels, 0, w * h);
            // 0x00RRGGBB ints lie in memory as B, G, R, 0 on a little-endian machine: TurboJPEG's BGRX
            if (api.tjCompress2(handle, source, w, w * 4, h, TJPF_BGRX, out, size, TJSAMP_420, quality, 0) != 0) {
                throw new IllegalStateException("tjCompress2 failed for a " + w + "x" + h + " image: "
                        + api.tjGetErrorStr2(handle));
            }
            return out.getValue().getByteArray(0, (int) size.getValue().longValue());
        } finally {
            if (out.getValue() != null) {
                api.tjFree(out.getValue());
            }
            api.tjDestroy(handle);
        }
    }

    /** Whether {@link #encode} takes {@code image} as it is. */
    static boolean encodes(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel model
                && model.getScanlineStride() == image.getWidth()
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    private static int[] packedRgb(BufferedImage image) {
        if (!encodes(image)) {
            throw new IllegalArgumentException("TurboJPEG encodes packed INT_RGB images here, not " + image);
        }
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    /** A side of {@code side} pixels decoded at {@code eighths}/8: rounded up, as TurboJPEG does. */
    static int scaled(int side, int eighths) {
        return (int) (((long) side * eighths + 7) / 8);
    }
}
