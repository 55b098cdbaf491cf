package dev.photoqueue.queue.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What reaches {@code System.err} while it is open, passed on to the stream before it as well:
 * the log lines a user of {@code pq} sees, since slf4j-simple writes each line to the
 * {@code System.err} of that moment. Lines of every thread are caught, so a test looks for its own
 * among them. Tests of this module run one at a time (no parallel surefire), so no other test's
 * output is swapped away. Close restores the stream.
 */
public final class StandardErrorCapture implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private StandardErrorCapture() {
        original = System.err;
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                original.flush();
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing. */
    public static StandardErrorCapture start() {
        return new StandardErrorCapture();
    }

    /** The lines caught so far. */
    public List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines caught so far that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
