package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.Header;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The on-disk format of a record batch, the unit the log writes, checks and indexes. All integers
 * are big-endian. A segment file is a plain sequence of batches with nothing between them.
 *
 * <pre>
 * batch header (39 bytes)
 *   0  int64  baseOffset      offset of the first record
 *   8  int32  length          bytes that follow this field (whole batch = 12 + length)
 *  12  int8   magic           format version, {@value #MAGIC}
 *  13  int32  crc             CRC32C of every byte from attributes to the end of the batch
 *  17  int16  attributes      reserved, 0
 *  19  int32  recordCount     at least 1
 *  23  int64  firstTimestamp  timestamp of the first record
 *  31  int64  maxTimestamp    largest timestamp in the batch
 * record (repeated recordCount times)
 *      int32  length          bytes that follow this field
 *      int32  offsetDelta     offset - baseOffset, 0, 1, 2, ...
 *      int64  timestamp       epoch millis
 *      int32  keyLength       -1 for a null key, then the key bytes
 *      int32  valueLength     -1 for a null value, then the value bytes
 *      int32  headerCount     then per header: int32 key length, UTF-8 key, int32 value length (-1 null), value
 * </pre>
 *
 * The CRC covers the records, so any flipped bit in a batch, its count or its timestamps is found
 * before a record is decoded. {@code baseOffset} and {@code length} sit outside the CRC and are
 * checked instead against the expected next offset and the bytes left in the file.
 */
final class RecordBatches {

    static final byte MAGIC = 1;

    static final int BASE_OFFSET_POS = 0;
    static final int LENGTH_POS = 8;
    static final int MAGIC_POS = 12;
    static final int CRC_POS = 13;
    static final int ATTRIBUTES_POS = 17;
    static final int RECORD_COUNT_POS = 19;
    static final int FIRST_TIMESTAMP_POS = 23;
    static final int MAX_TIMESTAMP_POS = 31;
    static final int HEADER_SIZE = 39;
    /** baseOffset and length: the bytes not counted by {@code length}. */
    static final int LOG_OVERHEAD = 12;

    /** Fixed bytes of a record: length, offsetDelta, timestamp, keyLength, valueLength, headerCount. */
    static final int RECORD_OVERHEAD = 4 + 4 + 8 + 4 + 4 + 4;

    private RecordBatches() {
    }

    /** Bytes one record takes inside a batch, its own length field included. */
    static int recordSize(byte[] key, byte[] value, List<Header> headers) {
        long size = RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        // Indexed, not for-each: an iterator per send (headers are mostly List.of()) is garbage on the hot path.
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            size += 4 + utf8Length(h.key()) + 4 + (h.value() == null ? 0 : h.value().length);
        }
        return size > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) size;
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return bytes;
    }
}
