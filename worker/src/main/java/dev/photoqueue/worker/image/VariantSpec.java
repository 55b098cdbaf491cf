package dev.photoqueue.worker.image;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One variant to make of every photo: a name (its file is {@code <name>.jpg}), how it fits a size,
 * and the JPEG quality. Never upscales: a source smaller than the size is kept at its own size.
 * Immutable.
 *
 * @param fit     {@code CROP}: exactly width x height, the centre of the source cut to that aspect;
 *                {@code WIDTH}: {@code width} pixels wide, height by aspect ({@code height} unused, 0);
 *                {@code LONGEST_EDGE}: the longer side {@code width} pixels ({@code height} unused, 0)
 * @param quality JPEG quality, above 0 up to 1
 */
public record VariantSpec(String name, Fit fit, int width, int height, float quality) {

    /** How a variant fits its size. */
    public enum Fit {
        CROP,
        WIDTH,
        LONGEST_EDGE
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final int MAX_SIDE = 16_384;
    // the constants above come first: DEFAULTS below runs the constructor, which reads them

    public static final float DEFAULT_QUALITY = 0.85f;
    /** {@code thumb} 150x150 centre crop, {@code small} 320 px wide, {@code medium} longest edge 1024 px. */
    public static final List<VariantSpec> DEFAULTS = List.of(
            crop("thumb", 150, 150), width("small", 320), longestEdge("medium", 1024));

    public VariantSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fit, "fit");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("variant name must match " + NAME + ", was '" + name + "'");
        }
        if (width < 1 || width > MAX_SIDE) {
            throw new IllegalArgumentException("variant " + name + ": width must be 1.." + MAX_SIDE + ", was " + width);
        }
        if (fit == Fit.CROP ? height < 1 || height > MAX_SIDE : height != 0) {
            throw new IllegalArgumentException("variant " + name + ": height must be "
                    + (fit == Fit.CROP ? "1.." + MAX_SIDE : "0 for " + fit) + ", was " + height);
        }
        if (!(quality > 0f && quality <= 1f)) {
            throw new IllegalArgumentException("variant " + name + ": quality must be in (0, 1], was " + quality);
        }
    }

    public static VariantSpec crop(String name, int width, int height) {
        return new VariantSpec(name, Fit.CROP, width, height, DEFAULT_QUALITY);
    }

    public static VariantSpec width(String name, int width) {
        return new VariantSpec(name, Fit.WIDTH, width, 0, DEFAULT_QUALITY);
    }

    public static VariantSpec longestEdge(String name, int pixels) {
        return new VariantSpec(name, Fit.LONGEST_EDGE, pixels, 0, DEFAULT_QUALITY);
    }

    public VariantSpec withQuality(float newQuality) {
        return new VariantSpec(name, fit, width, height, newQuality);
    }

    /**
     * The spec as text, e.g. {@code thumb:crop:150x150:0.85}; {@link #parse} reads it back. Two specs
     * with the same text make the same bytes from the same source.
     */
    public String key() {
        String size = fit == Fit.CROP ? width + "x" + height : String.valueOf(width);
        return name + ":" + fit.name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + size + ":" + quality;
    }

    /**
     * Reads {@code name:fit:size[:quality]}, fit one of {@code crop} (size {@code WxH}),
     * {@code width}, {@code longest-edge}; quality defaults to {@value #DEFAULT_QUALITY}.
     */
    public static VariantSpec parse(String text) {
        String[] parts = text.trim().split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw new IllegalArgumentException("variant spec must be name:fit:size[:quality], was '" + text + "'");
        }
        try {
            Fit fit = Fit.valueOf(parts[1].trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            float quality = parts.length == 4 ? Float.parseFloat(parts[3].trim()) : DEFAULT_QUALITY;
            String size = parts[2].trim();
            if (fit == Fit.CROP) {
                String[] wh = size.split("x");
                if (wh.length != 2) {
                    throw new IllegalArgumentException("crop size must be WxH, was '" + size + "'");
                }
                return new VariantSpec(parts[0].trim(), fit, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), quality);
            }
            return new VariantSpec(parts[0].trim(), fit, Integer.parseInt(size), 0, quality);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad variant spec '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Reads a comma-separated list of {@link #parse} specs; names must be distinct. */
    public static List<VariantSpec> parseList(String text) {
        List<VariantSpec> specs = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                specs.add(parse(part));
            }
        }
        requireDistinctNames(specs);
        return List.copyOf(specs);
    }

    /** {@link IllegalArgumentException} when the list is empty or two specs share a name. */
    public static void requireDistinctNames(List<VariantSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("at least one variant is needed");
        }
        if (specs.stream().map(VariantSpec::name).distinct().count() != specs.size()) {
            throw new IllegalArgumentException("variant names must be distinct: " + specs);
        }
    }

    /** Where to cut the source of {@code sourceWidth x sourceHeight} and what size to scale it to. */
    VariantPlan plan(int sourceWidth, int sourceHeight) {
        Rectangle whole = new Rectangle(0, 0, sourceWidth, sourceHeight);
        return switch (fit) {
            case WIDTH -> sourceWidth <= width ? new VariantPlan(whole, sourceWidth, sourceHeight)
                    : new VariantPlan(whole, width, scaled(sourceHeight, width, sourceWidth));
            case LONGEST_EDGE -> {
                int longest = Math.max(sourceWidth, sourceHeight);
                if (longest <= width) {
                    yield new VariantPlan(whole, sourceWidth, sourceHeight);
                }
                yield new VariantPlan(whole, scaled(sourceWidth, width, longest), scaled(sourceHeight, width, longest));
            }
            case CROP -> {
                int cropWidth = sourceWidth;
                int cropHeight = sourceHeight;
                if ((long) sourceWidth * height > (long) sourceHeight * width) {
                    cropWidth = Math.max(1, scaled(sourceHeight, width, height)); // source wider than the box
                } else {
                    cropHeight = Math.max(1, scaled(sourceWidth, height, width));
                }
                Rectangle region = new Rectangle((sourceWidth - cropWidth) / 2, (sourceHeight - cropHeight) / 2,
                        cropWidth, cropHeight);
                yield cropWidth <= width ? new VariantPlan(region, cropWidth, cropHeight)
                        : new VariantPlan(region, width, height);
            }
        };
    }

    /** {@code value * numerator / denominator}, rounded, at least 1. */
    private static int scaled(int value, int numerator, int denominator) {
        return (int) Math.max(1, Math.round((double) value * numerator / denominator));
    }

    /** A region of the (upright) source and the size it is scaled to. */
    record VariantPlan(Rectangle region, int targetWidth, int targetHeight) {
    }
}
