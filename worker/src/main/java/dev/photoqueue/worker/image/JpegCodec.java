package dev.photoqueue.worker.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * Which library decodes and encodes the worker's JPEGs. {@link #TURBO} (libjpeg-turbo through
 * {@link TurboJpeg}) where {@code libturbojpeg.so.0} loads, else {@link #IMAGEIO}; the system
 * property {@value #PROPERTY}{@code =imageio} forces ImageIO. Either way a photo's variants have
 * the same sizes; their pixels differ by rounding only (see {@code JpegCodecTest}).
 */
public enum JpegCodec {
    /** ImageIO at full size (TwelveMonkeys' reader, the JDK's writer). */
    IMAGEIO,
    /** libjpeg-turbo: decoded at the variants' DCT scale, encoded with SIMD; other formats still ImageIO. */
    TURBO;

    public static final String PROPERTY = "photoqueue.jpeg.codec";

    private static final Logger LOG = LoggerFactory.getLogger(JpegCodec.class);
    private static final Object LOCK = new Object();
    private static Optional<TurboJpeg> turbo;
    private static JpegCodec chosen;
    private static String loadProblem = "";

    /** The codec this process uses, chosen (and logged, once) on first use. */
    public static JpegCodec chosen() {
        synchronized (LOCK) {
            if (chosen == null) {
                String asked = System.getProperty(PROPERTY, "");
                boolean forced = !asked.isBlank();
                boolean imageIoAsked = asked.trim().equalsIgnoreCase("imageio"); // then the library is not even loaded
                chosen = choose(asked, !imageIoAsked && turboLibrary().isPresent());
                if (chosen == TURBO) {
                    LOG.info("JPEG codec: libjpeg-turbo (libturbojpeg.so.0), JPEGs decoded at the variants' DCT scale");
                } else if (forced) {
                    LOG.info("JPEG codec: ImageIO ({}=imageio)", PROPERTY);
                } else {
                    LOG.info("JPEG codec: ImageIO, as libjpeg-turbo's TurboJPEG library did not load ({}); "
                            + "install Debian's libturbojpeg0 for faster thumbnails", loadProblem);
                }
            }
            return chosen;
        }
    }

    /**
     * The codec for the value of {@value #PROPERTY} ({@code imageio}, {@code turbo}, or blank for
     * the best available): {@code turbo} when asked for and not available is an error, so that a
     * deployment that counts on it finds out at start.
     */
    static JpegCodec choose(String asked, boolean turboLoads) {
        String value = asked == null ? "" : asked.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "imageio":
                return IMAGEIO;
            case "turbo":
                if (!turboLoads) {
                    throw new IllegalStateException(PROPERTY + "=turbo, but libturbojpeg.so.0 did not load: "
                            + loadProblem);
                }
                return TURBO;
            case "":
                return turboLoads ? TURBO : IMAGEIO;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be imageio or turbo, was '" + asked + "'");
        }
    }

    /** Whether this codec can be used in this process. */
    public boolean available() {
        return this == IMAGEIO || turboLibrary().isPresent();
    }

    /** The library for {@link #TURBO}; empty when it does not load. */
    static Optional<TurboJpeg> turboLibrary() {
        synchronized (LOCK) {
            if (turbo == null) {
                StringBuilder why = new StringBuilder();
                turbo = TurboJpeg.load(why);
                loadProblem = why.toString().trim();
            }
            return turbo;
        }
    }
}
