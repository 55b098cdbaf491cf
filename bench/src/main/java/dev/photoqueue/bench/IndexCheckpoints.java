package dev.photoqueue.bench;

import dev.photoqueue.worker.index.PhotoIndex;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code index} phase of {@code scale}: how long the status view stops reading while it
 * checkpoints its photo index ({@link PhotoIndex#checkpoint}: force the data, write a run, merge
 * the runs when there are too many, and rewrite the data file when most of it was replaced). In
 * this JVM, without the app: it puts each of the photos (a 400-byte value, about what the view
 * stores for a photo done) three times, as a view does that read every photo and then replayed
 * them twice, and checkpoints every {@value #CHECKPOINT_PHOTOS} photos, as the view does
 * ({@code ViewReader.CHECKPOINT_PHOTOS}). The longest checkpoint is the longest the page waits for
 * a photo's new status.
 */
final class IndexCheckpoints {

    static final String PHASE = "index";
    static final int CHECKPOINT_PHOTOS = 50_000;
    static final int PUTS_PER_PHOTO = 3;
    static final int VALUE_BYTES = 400;

    private IndexCheckpoints() {
    }

    static List<Result> run(Path dir, long photos) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) '{');
        byte[] meta = "positions".getBytes(StandardCharsets.UTF_8);
        long worst = 0;
        long total = 0;
        int checkpoints = 0;
        Stopwatch all = Stopwatch.start();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (long i = 0; i < photos; i++) {
                String id = ScaleBench.photoId(i);
                for (int put = 0; put < PUTS_PER_PHOTO; put++) {
                    index.put(id, value);
                }
                if ((i + 1) % CHECKPOINT_PHOTOS == 0 || i + 1 == photos) {
                    Stopwatch checkpoint = Stopwatch.start();
                    index.checkpoint(meta);
                    long nanos = checkpoint.elapsedNanos();
                    worst = Math.max(worst, nanos);
                    total += nanos;
                    checkpoints++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "[%s] %,d photos, %d checkpoints in %.1f s%n", PHASE, photos, checkpoints,
                all.elapsedSeconds());
        String setup = String.format(Locale.ROOT, "%,d photos put %d times each, a checkpoint every %,d",
                photos, PUTS_PER_PHOTO, CHECKPOINT_PHOTOS);
        return List.of(
                Result.info(PHASE + " checkpoint max", Stats.single(worst / 1e6), Unit.MILLISECONDS,
                        "the longest the status view stops reading; " + setup),
                Result.info(PHASE + " checkpoint mean", Stats.single(total / 1e6 / checkpoints), Unit.MILLISECONDS,
                        checkpoints + " checkpoints"));
    }
}
