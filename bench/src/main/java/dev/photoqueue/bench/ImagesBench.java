package dev.photoqueue.bench;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The {@code images} family: the worker's thumbnails against sharp (libvips), the same photos, the
 * same three variants at the same JPEG quality, on 1 and 2 threads, in turns within each round:
 * the plain loop of {@code PhotoProcessor} calls, the same through the in-house queue, and
 * {@link Sharp}. Two phases:
 * <ul>
 * <li>{@code photos}: {@value #COPIES} copies of each sample photograph as it is (1 to 2 MP);</li>
 * <li>{@code 12mp}: each photograph scaled and cropped to 4000 x 3000 (12 MP, what a phone
 *     uploads), re-encoded at quality 0.92 before the first round, {@value #COPIES_12MP} copies.</li>
 * </ul>
 * Targets: PhotoQueue's plain loop and queue at least as fast as sharp with equal threads, per round.
 *
 * @see PipelineBench for the plain and queued runs
 */
final class ImagesBench implements BenchFamily {

    static final String PHOTOS = "photos";
    static final String TWELVE_MP = "12mp";
    private static final int COPIES = 12;
    private static final int COPIES_12MP = 2;
    private static final int WIDTH_12MP = 4000;
    private static final int HEIGHT_12MP = 3000;

    private final Path samples;

    ImagesBench(Path samples) {
        this.samples = samples;
    }

    @Override
    public String name() {
        return "images";
    }

    @Override
    public String description() {
        return "thumbnails of the sample photographs (" + samples + "), as they are and at 12 MP: the worker's "
                + "plain loop and the queue against sharp (libvips), 1 and 2 threads, in turns";
    }

    @Override
    public List<String> phases() {
        return List.of(PHOTOS, TWELVE_MP);
    }

    /** One round's six rates, photos/s; the sharp ones NaN when sharp cannot run here. */
    private record Rates(double plain1, double queue1, double sharp1, double plain2, double queue2, double sharp2) {
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        Optional<Sharp> sharp = Sharp.install();
        List<byte[]> photos = PipelineBench.photographs(samples);
        List<Result> results = new ArrayList<>();
        if (options.only().isEmpty() || options.only().contains(PHOTOS)) {
            results.addAll(phase(PHOTOS, photos, COPIES, sharp, options, workDir,
                    photos.size() + " photographs x " + COPIES + " copies, as they are"));
        }
        if (options.only().isEmpty() || options.only().contains(TWELVE_MP)) {
            List<byte[]> large = new ArrayList<>();
            for (byte[] photo : photos) {
                large.add(twelveMegapixels(photo));
            }
            results.addAll(phase(TWELVE_MP, large, COPIES_12MP, sharp, options, workDir,
                    photos.size() + " photographs at " + WIDTH_12MP + "x" + HEIGHT_12MP + " x " + COPIES_12MP
                            + " copies"));
        }
        return results;
    }

    private List<Result> phase(String phase, List<byte[]> photos, int copies, Optional<Sharp> sharp,
                               BenchOptions options, WorkDir workDir, String setup) throws Exception {
        List<Rates> rounds = new ArrayList<>();
        int count = photos.size() * copies;
        Rounds.measure(phase, Unit.RATIO, count, count, options.rounds(), (size, measured) -> {
            PipelineBench.Run plain1 = PipelineBench.plain(workDir, photos, copies, 1);
            PipelineBench.Run queue1 = PipelineBench.queued(workDir, photos, copies, 1);
            double sharp1 = sharp(sharp, workDir, photos, copies, 1);
            PipelineBench.Run plain2 = PipelineBench.plain(workDir, photos, copies, 2);
            PipelineBench.Run queue2 = PipelineBench.queued(workDir, photos, copies, 2);
            double sharp2 = sharp(sharp, workDir, photos, copies, 2);
            Rates r = new Rates(plain1.photosPerSecond(), queue1.photosPerSecond(), sharp1,
                    plain2.photosPerSecond(), queue2.photosPerSecond(), sharp2);
            // the busy shares tell a queue run that waited for jobs from one that processed slower
            System.out.printf(Locale.ROOT, "[%s] photos/s: plain 1 %s, queue 1 %s, sharp 1 %.2f, "
                    + "plain 2 %s, queue 2 %s, sharp 2 %.2f%n", phase, plain1, queue1, sharp1, plain2, queue2, sharp2);
            if (measured) {
                rounds.add(r);
            }
            return r.plain1() / r.sharp1();
        });
        List<Result> results = new ArrayList<>(List.of(
                Result.info(phase + " plain 1", rate(rounds, Rates::plain1), Unit.PHOTOS_PER_SECOND,
                        setup + "; PhotoProcessor in a loop"),
                Result.info(phase + " queue 1", rate(rounds, Rates::queue1), Unit.PHOTOS_PER_SECOND,
                        "in-house log, 1 worker, SHARED"),
                Result.info(phase + " plain 2", rate(rounds, Rates::plain2), Unit.PHOTOS_PER_SECOND, "2 threads"),
                Result.info(phase + " queue 2", rate(rounds, Rates::queue2), Unit.PHOTOS_PER_SECOND, "2 workers")));
        if (sharp.isEmpty()) {
            return results;
        }
        results.addAll(List.of(
                Result.info(phase + " sharp 1", rate(rounds, Rates::sharp1), Unit.PHOTOS_PER_SECOND,
                        "sharp(buf).rotate().resize(...).jpeg({quality: 85}), concurrency 1"),
                Result.info(phase + " sharp 2", rate(rounds, Rates::sharp2), Unit.PHOTOS_PER_SECOND,
                        "2 photos at a time"),
                Result.atLeast(phase + " plain 1 / sharp 1", ratio(rounds, Rates::plain1, Rates::sharp1),
                        Unit.RATIO, 1.0, "same round"),
                Result.atLeast(phase + " plain 2 / sharp 2", ratio(rounds, Rates::plain2, Rates::sharp2),
                        Unit.RATIO, 1.0, "same round"),
                Result.atLeast(phase + " queue 2 / sharp 2", ratio(rounds, Rates::queue2, Rates::sharp2),
                        Unit.RATIO, 1.0, "same round")));
        return results;
    }

    private static double sharp(Optional<Sharp> sharp, WorkDir workDir, List<byte[]> photos, int copies,
                                int threads) throws Exception {
        if (sharp.isEmpty()) {
            return Double.NaN;
        }
        Path dir = workDir.fresh("sharp");
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int copy = 0; copy < copies; copy++) {
            for (int i = 0; i < photos.size(); i++) {
                Files.write(in.resolve("p" + copy + "-" + i + ".jpg"), photos.get(i));
            }
        }
        PipelineBench.settle();
        return sharp.get().render(in, dir.resolve("out"), threads, photos.size() * copies);
    }

    private static Stats rate(List<Rates> rounds, ToDoubleFunction<Rates> rate) {
        return Stats.of(rounds.stream().map(rate::applyAsDouble).toList());
    }

    private static Stats ratio(List<Rates> rounds, ToDoubleFunction<Rates> over, ToDoubleFunction<Rates> under) {
        return Stats.of(rounds.stream().map(r -> over.applyAsDouble(r) / under.applyAsDouble(r)).toList());
    }

    /** The photograph scaled to cover 4000 x 3000 and cropped to it, as a JPEG of quality 0.92. */
    static byte[] twelveMegapixels(byte[] photo) throws IOException {
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(photo));
        double scale = Math.max((double) WIDTH_12MP / source.getWidth(), (double) HEIGHT_12MP / source.getHeight());
        int w = (int) Math.ceil(source.getWidth() * scale);
        int h = (int) Math.ceil(source.getHeight() * scale);
        BufferedImage large = new BufferedImage(WIDTH_12MP, HEIGHT_12MP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(source, (WIDTH_12MP - w) / 2, (HEIGHT_12MP - h) / 2, w, h, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.write(null, new IIOImage(large, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
