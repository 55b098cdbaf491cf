package dev.photoqueue.queue.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n}, dropping one trailing {@code \r}. The bytes are
 * not decoded, so whatever was typed or piped in is stored exactly, UTF-8 or not. A final line
 * without a newline still counts. Not thread-safe.
 */
final class LineReader {

    /** A line longer than the reader accepts; the stream is left somewhere inside that line. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(long lineNumber, int maxBytes) {
            super("line " + lineNumber + " is longer than " + maxBytes + " bytes");
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lineNumber;

    /** @param maxLineBytes longer lines fail with {@link LineTooLongException} instead of filling the heap */
    LineReader(InputStream in, int maxLineBytes) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its line end, or null at the end of the stream. */
    byte[] next() throws IOException {
        line.reset();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        lineNumber++;
        while (b >= 0 && b != '\n') {
            if (line.size() > maxLineBytes) {
                throw new LineTooLongException(lineNumber, maxLineBytes);
            }
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            return Arrays.copyOf(bytes, length - 1);
        }
        return bytes;
    }

    /** The number of the line {@link #next} returned last, counting from 1. */
    long lineNumber() {
        return lineNumber;
    }
}
