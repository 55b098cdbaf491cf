package dev.photoqueue.upload.service;

import dev.photoqueue.worker.job.PhotoDelivered;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The compact binary form of everything the status view knows of one photo ({@link Track}:
 * status fields, variants, digest, journey), for the on-disk photo index. Decoding gives back a
 * track equal to the one encoded, so a photo read from disk shows exactly what it showed in memory.
 * Journey details keep their type for strings, booleans, ints, longs and doubles; any other value
 * is kept as its string. Stateless, thread-safe.
 */
final class TrackCodec {

    private static final int VERSION = 1;
    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte BOOLEAN = 4;
    private static final byte DOUBLE = 5;

    private TrackCodec() {
    }

    static byte[] encode(Track t) {
        return new Writer().encode(t);
    }

    /**
     * Encodes tracks into one buffer it reuses (grown as needed), so that encoding a photo
     * allocates only its result; the bytes are those a {@code java.io.DataOutputStream} would write. One
     * thread at a time.
     */
    static final class Writer {
        private byte[] buf = new byte[2048]; // a photo with its journey: about 1 KB
        private int n;

        byte[] encode(Track t) {
            n = 0;
            writeByte(VERSION);
            string(t.id);
            writeInt(t.replayEpoch);
            writeInt(t.variants.size());
            for (Map.Entry<String, String> v : t.variants.entrySet()) {
                string(v.getKey());
                string(v.getValue());
            }
            writeLong(t.lastJobAt);
            writeLong(t.processedAt);
            writeLong(t.failedAt);
            writeLong(t.deadAt);
            writeLong(t.updatedAt);
            writeLong(t.deliveredAt);
            writeLong(t.lostAt);
            writeLong(t.unsettledEndAt);
            writeLong(t.offset);
            writeLong(t.uploadedAt.toEpochMilli());
            writeInt(t.attempts);
            writeInt(t.partition);
            writeInt(t.unsettledEndIndex);
            writeByte(t.duplicate ? 1 : 0);
            writeByte(t.lastReleased ? 1 : 0);
            writeByte(t.lastEnded ? 1 : 0);
            delivery(t.delivered);
            delivery(t.last);
            delivery(t.unsettledEnd);
            string(t.unsettledEndWhen);
            string(t.error);
            string(t.user);
            string(t.city);
            string(t.sha256);
            writeInt(t.steps.size());
            for (JourneyStep step : t.steps) {
                writeLong(step.at().toEpochMilli());
                string(step.what());
                writeInt(step.details().size());
                for (Map.Entry<String, Object> d : step.details().entrySet()) {
                    string(d.getKey());
                    value(d.getValue());
                }
            }
            return Arrays.copyOf(buf, n);
        }

        private void delivery(PhotoDelivered d) {
            writeByte(d != null ? 1 : 0);
            if (d != null) {
                string(d.photoId());
                writeInt(d.deliveryCount());
                string(d.memberId());
                string(d.workerId());
                string(d.guarantee());
            }
        }

        private void value(Object value) {
            if (value == null) {
                writeByte(NULL);
            } else if (value instanceof Integer i) {
                writeByte(INT);
                writeInt(i);
            } else if (value instanceof Long l) {
                writeByte(LONG);
                writeLong(l);
            } else if (value instanceof Boolean b) {
                writeByte(BOOLEAN);
                writeByte(b ? 1 : 0);
            } else if (value instanceof Double d) {
                writeByte(DOUBLE);
                writeLong(Double.doubleToLongBits(d)); // as DataOutputStream.writeDouble
            } else {
                writeByte(STRING);
                string(value.toString());
            }
        }

        /** A nullable string: its UTF-8 length (-1 for null), then its bytes (no 64 KiB limit, unlike writeUTF). */
        private void string(String s) {
            if (s == null) {
                writeInt(-1);
                return;
            }
            int length = s.length();
            ensure(4 + length);
            int start = n + 4;
            for (int i = 0; i < length; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    writeInt(b.length);
                    ensure(b.length);
                    System.arraycopy(b, 0, buf, n, b.length);
                    n += b.length;
                    return;
                }
                buf[start + i] = (byte) c;
            }
            writeInt(length);
            n += length;
        }

        private void writeByte(int v) {
            ensure(1);
            buf[n++] = (byte) v;
        }

        private void writeInt(int v) {
            ensure(4);
            buf[n++] = (byte) (v >>> 24);
            buf[n++] = (byte) (v >>> 16);
            buf[n++] = (byte) (v >>> 8);
            buf[n++] = (byte) v;
        }

        private void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        private void ensure(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }
    }

    static Track decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("a photo record of version " + version + ", expected " + VERSION);
            }
            Track t = new Track(string(in), 0);
            t.replayEpoch = in.readInt();
            int variants = in.readInt();
            for (int i = 0; i < variants; i++) {
                t.variants.put(string(in), string(in));
            }
            t.lastJobAt = in.readLong();
            t.processedAt = in.readLong();
            t.failedAt = in.readLong();
            t.deadAt = in.readLong();
            t.updatedAt = in.readLong();
            t.deliveredAt = in.readLong();
            t.lostAt = in.readLong();
            t.unsettledEndAt = in.readLong();
            t.offset = in.readLong();
            t.uploadedAt = Instant.ofEpochMilli(in.readLong());
            t.attempts = in.readInt();
            t.partition = in.readInt();
            t.unsettledEndIndex = in.readInt();
            t.duplicate = in.readBoolean();
            t.lastReleased = in.readBoolean();
            t.lastEnded = in.readBoolean();
            t.delivered = delivery(in);
            t.last = delivery(in);
            t.unsettledEnd = delivery(in);
            t.unsettledEndWhen = string(in);
            t.error = string(in);
            t.user = string(in);
            t.city = string(in);
            t.sha256 = string(in);
            int steps = in.readInt();
            for (int i = 0; i < steps; i++) {
                long at = in.readLong();
                String what = string(in);
                int count = in.readInt();
                Object[] details = new Object[2 * count]; // names distinct: encoded from a map
                for (int d = 0; d < 2 * count; d += 2) {
                    details[d] = string(in);
                    details[d + 1] = value(in);
                }
                t.steps.add(JourneyStep.ofPairs(at, what, details));
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("a damaged photo record (" + bytes.length + " bytes): " + e, e);
        }
    }

    private static PhotoDelivered delivery(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new PhotoDelivered(string(in), in.readInt(), string(in), string(in), string(in));
    }

    private static Object value(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        return switch (type) {
            case NULL -> null;
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case BOOLEAN -> in.readBoolean();
            case DOUBLE -> in.readDouble();
            case STRING -> string(in);
            default -> throw new IOException("unknown value type " + type);
        };
    }

    private static String string(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
