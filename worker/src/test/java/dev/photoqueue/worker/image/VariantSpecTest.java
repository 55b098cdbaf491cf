package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import java.awt.Rectangle;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class VariantSpecTest {

    @Test
    void defaultsAreThumbSmallAndMediumAtQuality085() {
        assertEquals(List.of("thumb:crop:150x150:0.85", "small:width:320:0.85", "medium:longest-edge:1024:0.85"),
                VariantSpec.DEFAULTS.stream().map(VariantSpec::key).toList());
    }

    @Test
    void parsesWhatKeyPrints() {
        for (VariantSpec spec : List.of(VariantSpec.crop("sq", 64, 48).withQuality(0.5f), VariantSpec.width("w", 10),
                VariantSpec.longestEdge("big", 2048))) {
            assertEquals(spec, VariantSpec.parse(spec.key()));
        }
        assertEquals(VariantSpec.DEFAULTS, VariantSpec.parseList("thumb:crop:150x150, small:width:320,"
                + "medium:longest-edge:1024:0.85"));
    }

    @Test
    void refusesNamesThatCouldLeaveThePhotoFolderAndBadSizes() {
        for (String name : List.of("../x", "a/b", ".hidden", "", "UPPER", "x".repeat(33))) {
            assertThrows(IllegalArgumentException.class, () -> VariantSpec.width(name, 100), name);
        }
        assertThrows(IllegalArgumentException.class, () -> VariantSpec.width("w", 0));
        assertThrows(IllegalArgumentException.class, () -> VariantSpec.crop("c", 10, 0));
        assertThrows(IllegalArgumentException.class, () -> VariantSpec.width("w", 10).withQuality(1.5f));
        assertThrows(IllegalArgumentException.class, () -> VariantSpec.parse("w:stretch:10"));
        assertThrows(IllegalArgumentException.class, () -> VariantSpec.parseList("a:width:10,a:width:20"));
    }

    @Test
    void cropTakesTheCentreOfTheLongerSide() {
        VariantSpec square = VariantSpec.crop("sq", 150, 150);
        VariantSpec.VariantPlan wide = square.plan(400, 300);
        assertEquals(new Rectangle(50, 0, 300, 300), wide.region());
        assertEquals(List.of(150, 150), List.of(wide.targetWidth(), wide.targetHeight()));
        VariantSpec.VariantPlan tall = square.plan(300, 500);
        assertEquals(new Rectangle(0, 100, 300, 300), tall.region());
    }

    @Test
    void widthAndLongestEdgeKeepTheAspectAndNeverUpscale() {
        VariantSpec.VariantPlan small = VariantSpec.width("s", 320).plan(1000, 3000);
        assertEquals(List.of(320, 960), List.of(small.targetWidth(), small.targetHeight()));
        VariantSpec.VariantPlan medium = VariantSpec.longestEdge("m", 1024).plan(1000, 3000);
        assertEquals(List.of(341, 1024), List.of(medium.targetWidth(), medium.targetHeight()));
        VariantSpec.VariantPlan kept = VariantSpec.longestEdge("m", 1024).plan(800, 20);
        assertEquals(List.of(800, 20), List.of(kept.targetWidth(), kept.targetHeight()));
        VariantSpec.VariantPlan sliver = VariantSpec.width("s", 320).plan(10_000, 2);
        assertEquals(List.of(320, 1), List.of(sliver.targetWidth(), sliver.targetHeight()));
    }
}
