package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodeScaleTest {

    private static final List<VariantSpec> DEFAULTS = VariantSpec.DEFAULTS;

    @Test
    void decodesAtTheSmallestScaleThatStillHasTheLargestVariantsPixels() {
        assertEquals(4, DecodeScale.eighths(2560, 1600, 1, DEFAULTS), "1280 px still cover medium's 1024");
        assertEquals(4, DecodeScale.eighths(4000, 3000, 1, DEFAULTS), "2000 px; 1/4 would give 1000 < 1024");
        assertEquals(2, DecodeScale.eighths(8000, 6000, 1, DEFAULTS), "1/4: 2000 px; 1/8 would give 1000");
        assertEquals(1, DecodeScale.eighths(8192, 6144, 1, DEFAULTS), "1/8: 1024 px");
        assertEquals(1, DecodeScale.eighths(4000, 3000, 1, List.of(VariantSpec.width("small", 320))), "1/8: 500 px");
    }

    @Test
    void decodesAtFullSizeWhenHalfWouldFallShortOfAVariant() {
        assertEquals(8, DecodeScale.eighths(1680, 1050, 1, DEFAULTS), "840 < 1024, and 5/8 is not used");
        assertEquals(8, DecodeScale.eighths(2046, 1000, 1, DEFAULTS), "half is 1023, one short of 1024");
    }

    @Test
    void halvesAPhotoOfExactlyTwiceTheVariant() {
        assertEquals(4, DecodeScale.eighths(2048, 1000, 1, DEFAULTS));
        assertEquals(4, DecodeScale.eighths(2047, 1000, 1, DEFAULTS), "half of 2047 rounds up to 1024, as libjpeg does");
        assertEquals(2, DecodeScale.eighths(600, 600, 1, List.of(VariantSpec.crop("thumb", 150, 150))));
    }

    @Test
    void neverShrinksAnImageSmallerThanAVariantWhichKeepsItsOwnSize() {
        assertEquals(8, DecodeScale.eighths(100, 80, 1, DEFAULTS));
        assertEquals(8, DecodeScale.eighths(151, 151, 1, DEFAULTS), "the 150 thumb from 151: half would be 76");
        assertEquals(8, DecodeScale.eighths(1000, 1000, 1, DEFAULTS), "medium keeps all 1000 px");
        // sides round up: a side of 1 stays 1 at any scale, so a 1 px wide strip is shrunk along its length only
        assertEquals(2, DecodeScale.eighths(1, 5000, 1, List.of(VariantSpec.longestEdge("medium", 1024))),
                "1x1250 still has medium's 1x1024");
        assertEquals(8, DecodeScale.eighths(1, 5000, 1, DEFAULTS), "small keeps the whole 1x5000 strip");
        assertEquals(1, TurboJpeg.scaled(1, DecodeScale.eighths(1, 1, 1, DEFAULTS)), "a 1x1 image stays 1x1");
    }

    @Test
    void choosesTheScaleForTheUprightPhotoWhenExifTurnsItAQuarter() {
        List<VariantSpec> wide = List.of(VariantSpec.width("wide", 1200));
        assertEquals(4, DecodeScale.eighths(2400, 1200, 1, wide), "upright 2400 wide: half is 1200");
        for (int quarterTurn = 5; quarterTurn <= 8; quarterTurn++) {
            assertEquals(8, DecodeScale.eighths(2400, 1200, quarterTurn, wide),
                    "orientation " + quarterTurn + ": upright only 1200 wide");
        }
        assertEquals(4, DecodeScale.eighths(2400, 1200, 3, wide), "a half turn keeps the width");
        assertEquals(4, DecodeScale.eighths(1600, 2560, 6, DEFAULTS), "a turned 2560x1600 photo as the upright one");
    }

    @Test
    void everyVariantsRegionAtTheChosenScaleHasAtLeastItsTargetPixels() {
        List<VariantSpec> specs = List.of(VariantSpec.crop("thumb", 150, 150), VariantSpec.crop("banner", 600, 100),
                VariantSpec.width("small", 320), VariantSpec.longestEdge("medium", 1024));
        for (int w = 150; w <= 5000; w += 97) {
            for (int h = 150; h <= 5000; h += 131) {
                int n = DecodeScale.eighths(w, h, 1, specs);
                int dw = TurboJpeg.scaled(w, n);
                int dh = TurboJpeg.scaled(h, n);
                for (VariantSpec spec : specs) {
                    VariantSpec.VariantPlan plan = spec.plan(w, h);
                    var region = HalvingPyramid.scaledRegion(plan.region(), w, h, dw, dh);
                    assertTrue(region.width >= plan.targetWidth() && region.height >= plan.targetHeight()
                                    && region.x + region.width <= dw && region.y + region.height <= dh,
                            w + "x" + h + " at " + n + "/8, " + spec.name() + ": " + region);
                }
                if (n < 8) {
                    assertTrue(n == 1 || !fitsAll(specs, w, h, n / 2), w + "x" + h + ": " + n / 2 + "/8 would do");
                }
            }
        }
    }

    @Test
    void rejectsAnEmptyImageNamingItsSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodeScale.eighths(0, 10, 1, DEFAULTS));
        assertTrue(e.getMessage().contains("0x10"), e.getMessage());
    }

    private static boolean fitsAll(List<VariantSpec> specs, int w, int h, int n) {
        int dw = TurboJpeg.scaled(w, n);
        int dh = TurboJpeg.scaled(h, n);
        for (VariantSpec spec : specs) {
            VariantSpec.VariantPlan plan = spec.plan(w, h);
            var region = HalvingPyramid.scaledRegion(plan.region(), w, h, dw, dh);
            if (region.width < plan.targetWidth() || region.height < plan.targetHeight()) {
                return false;
            }
        }
        return true;
    }
}
