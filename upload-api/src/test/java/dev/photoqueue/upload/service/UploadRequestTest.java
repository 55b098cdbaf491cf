package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client's file name as the job carries it: a label, never a path. Only its last path segment
 * is kept, without control characters; a name over {@link UploadRequest#MAX_NAME_BYTES} bytes in
 * UTF-8 is refused whole, not cut.
 */
class UploadRequestTest {

    private static UploadRequest named(String name) {
        return new UploadRequest(new ByteArrayInputStream(new byte[0]), 0, null, null, null, false, name, null);
    }

    @Test
    void aNameKeepsOnlyItsLastPathSegmentWithoutControlCharacters() {
        assertEquals("passwd.jpg", named("../../etc/passwd.jpg").name());
        assertEquals("photo.jpg", named("C:\\Users\\ada\\photo.jpg").name());
        assertEquals("forged line.jpg", named("forged\n line\u0007.jpg").name());
        assertNull(named("dir/\r\n").name(), "nothing printable is left: no name");
    }

    @Test
    void aNameIsMeasuredInUtf8BytesAndOneOverTheLimitIsRefusedNotCut() {
        String longest = "\u20ac".repeat(85); // 85 euro signs, 3 bytes each: 255 bytes
        assertEquals(longest, named(longest).name());
        InvalidValueException over = assertThrows(InvalidValueException.class, () -> named(longest + "a"));
        assertEquals("the file name must be at most 255 bytes in UTF-8, was 256 bytes", over.getMessage());
    }
}
