package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PhotoJobException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.photoqueue.worker.image.SampleImages.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile files: photos of every format the pipeline reads, with bits flipped, bytes overwritten
 * or cut short (from a fixed seed, so a failure is repeated by running the test again). Each is
 * rendered or refused as a {@link PhotoJobException} whose reason is in words, never another
 * exception, and none keeps the decoder busy: a worker survives whatever a user uploads.
 */
class MutatedImagesTest {

    private static final long SEED = 42;
    private static final int MUTANTS_PER_PHOTO = 100;
    /** Far beyond a render of these small photos on a busy machine: only a decoder that spins reaches it. */
    private static final long RENDER_LIMIT_SECONDS = 60;

    @ParameterizedTest
    @EnumSource(JpegCodec.class)
    void everyMutatedPhotoIsRenderedOrRefusedInWordsAndNoneHangsTheDecoder(JpegCodec codec) throws Exception {
        assumeTrue(codec.available(), codec + " does not load on this machine");
        ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, codec);
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        ExecutorService decoder = Executors.newSingleThreadExecutor();
        try {
            for (Map.Entry<String, byte[]> photo : photos().entrySet()) {
                for (int i = 0; i < MUTANTS_PER_PHOTO; i++) {
                    Mutant mutant = Mutant.of(photo.getValue(), random);
                    String which = photo.getKey() + " " + mutant.description();
                    Future<RenderedPhoto> render = decoder.submit(
                            () -> pipeline.render("p", mutant.bytes(), VariantSpec.DEFAULTS));
                    try {
                        render.get(RENDER_LIMIT_SECONDS, TimeUnit.SECONDS);
                        outcomes.merge("rendered", 1, Integer::sum);
                    } catch (ExecutionException e) {
                        Throwable failure = e.getCause();
                        outcomes.merge(failure.getClass().getSimpleName(), 1, Integer::sum);
                        if (!(failure instanceof PhotoJobException)) {
                            wrong.add(which + ": " + failure);
                        } else if (failure.getMessage().contains("java.")
                                || failure.getMessage().contains("Exception")) {
                            wrong.add(which + ": a Java type's name in the reason: " + failure.getMessage());
                        }
                    } catch (TimeoutException e) {
                        wrong.add(which + ": still decoding after " + RENDER_LIMIT_SECONDS + " s");
                        render.cancel(true);
                        decoder.shutdownNow();
                        decoder = Executors.newSingleThreadExecutor();
                    }
                }
            }
        } finally {
            decoder.shutdownNow();
        }
        assertEquals(List.of(), wrong, "outcomes: " + outcomes);
        assertTrue(outcomes.getOrDefault("rendered", 0) > 0 && outcomes.getOrDefault("CorruptImageException", 0) > 0,
                "the mutants are both harmless and damaging ones: " + outcomes);
    }

    /** Small photos of each format and kind the pipeline decodes. */
    private static Map<String, byte[]> photos() {
        Map<String, byte[]> photos = new LinkedHashMap<>();
        photos.put("baseline JPEG", eighthSizePhoto("Aqua.jpg"));
        photos.put("progressive JPEG", progressiveJpeg(scaledPhoto("FreshFlower.jpg", 300, 200)));
        photos.put("CMYK JPEG", adobeJpeg(scaledPhoto("Aqua.jpg", 120, 80), true));
        photos.put("PNG", encode(scaledPhoto("Aqua.jpg", 200, 120), "png"));
        photos.put("16-bit PNG", sixteenBitPng(scaledPhoto("Aqua.jpg", 120, 80), false));
        photos.put("GIF", twoFrameGif(scaledPhoto("Aqua.jpg", 120, 80)));
        photos.put("BMP", encode(scaledPhoto("Aqua.jpg", 120, 80), "bmp"));
        return photos;
    }

    /** A damaged copy of a photo and what was done to it, for the failure message. */
    private record Mutant(byte[] bytes, String description) {

        static Mutant of(byte[] photo, Random random) {
            byte[] b = photo.clone();
            switch (random.nextInt(4)) {
                case 0 -> {
                    int flips = 1 + random.nextInt(8);
                    List<Integer> at = new ArrayList<>();
                    for (int k = 0; k < flips; k++) {
                        int i = random.nextInt(b.length);
                        b[i] ^= (byte) (1 << random.nextInt(8));
                        at.add(i);
                    }
                    return new Mutant(b, "with bits flipped at " + at);
                }
                case 1 -> {
                    // the headers: sizes, markers and chunk lengths
                    int at = random.nextInt(Math.min(b.length - 1, 1024));
                    b[at] = (byte) random.nextInt(256);
                    b[at + 1] = (byte) random.nextInt(256);
                    return new Mutant(b, "with bytes " + at + ".." + (at + 1) + " replaced");
                }
                case 2 -> {
                    int at = random.nextInt(b.length);
                    int length = Math.min(b.length - at, 1 + random.nextInt(64));
                    byte fill = random.nextBoolean() ? (byte) 0xFF : 0;
                    Arrays.fill(b, at, at + length, fill);
                    return new Mutant(b, "with " + length + " bytes from " + at + " set to " + (fill & 0xFF));
                }
                default -> {
                    int length = 1 + random.nextInt(b.length);
                    return new Mutant(Arrays.copyOf(b, length), "cut to " + length + " of " + photo.length + " bytes");
                }
            }
        }
    }
}
