package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ExifOrientationTest {

    private static final byte[] PLAIN = SampleImages.jpeg(SampleImages.scaledPhoto("Aqua.jpg", 32, 20));

    @Test
    void readsTheTagInBothByteOrders() {
        for (int orientation = 1; orientation <= 8; orientation++) {
            assertEquals(orientation, ExifOrientation.of(SampleImages.withExifOrientation(PLAIN, orientation, true)));
            assertEquals(orientation, ExifOrientation.of(SampleImages.withExifOrientation(PLAIN, orientation, false)));
        }
    }

    @Test
    void readsTheCameraExifOfARealPhotoAsUpright() {
        assertEquals(1, ExifOrientation.of(SampleImages.photo("Dune.jpg")));
    }

    @Test
    void treatsMissingOutOfRangeOrCutOffExifAsUpright() {
        assertEquals(1, ExifOrientation.of(PLAIN));
        assertEquals(1, ExifOrientation.of(SampleImages.withExifOrientation(PLAIN, 9, true)));
        byte[] withTag = SampleImages.withExifOrientation(PLAIN, 6, true);
        int entryEnd = 2 + 4 + 6 + 8 + 2 + 12; // SOI, APP1 marker and length, "Exif\0\0", TIFF header, count, entry
        assertEquals(6, ExifOrientation.of(Arrays.copyOf(withTag, entryEnd)));
        for (int cut = 4; cut < entryEnd; cut++) {
            int orientation = ExifOrientation.of(Arrays.copyOf(withTag, cut));
            assertEquals(1, orientation, "cut at " + cut);
        }
    }
}
