package dev.photoqueue.upload.service;

import dev.photoqueue.worker.job.PhotoDelivered;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compact binary form of everything the status view knows of one photo ({@link StatusView.Track}:
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

    static byte[] encode(StatusView.Track t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048); // a photo with its journey: about 1 KB
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            string(out, t.id);
            out.writeInt(t.replayEpoch);
            out.writeInt(t.variants.size());
            for (Map.Entry<String, String> v : t.variants.entrySet()) {
                string(out, v.getKey());
                string(out, v.getValue());
            }
            for (long value : new long[]{t.lastJobAt, t.processedAt, t.failedAt, t.deadAt, t.updatedAt, t.deliveredAt,
                    t.lostAt, t.unsettledEndAt, t.offset, t.uploadedAt.toEpochMilli()}) {
                out.writeLong(value);
            }
            out.writeInt(t.attempts);
            out.writeInt(t.partition);
            out.writeInt(t.unsettledEndIndex);
            out.writeBoolean(t.duplicate);
            out.writeBoolean(t.lastReleased);
            out.writeBoolean(t.lastEnded);
            delivery(out, t.delivered);
            delivery(out, t.last);
            delivery(out, t.unsettledEnd);
            string(out, t.unsettledEndWhen);
            string(out, t.error);
            string(out, t.user);
            string(out, t.city);
            string(out, t.sha256);
            out.writeInt(t.steps.size());
            for (JourneyStep step : t.steps) {
                out.writeLong(step.at().toEpochMilli());
                string(out, step.what());
                out.writeInt(step.details().size());
                for (Map.Entry<String, Object> d : step.details().entrySet()) {
                    string(out, d.getKey());
                    value(out, d.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode photo " + t.id, e); // never: in memory
        }
        return bytes.toByteArray();
    }

    static StatusView.Track decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("a photo record of version " + version + ", expected " + VERSION);
            }
            StatusView.Track t = new StatusView.Track(string(in), 0);
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
                Map<String, Object> details = new LinkedHashMap<>();
                for (int d = 0; d < count; d++) {
                    details.put(string(in), value(in));
                }
                t.steps.add(new JourneyStep(Instant.ofEpochMilli(at), what, details));
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("a damaged photo record (" + bytes.length + " bytes): " + e, e);
        }
    }

    private static void delivery(DataOutputStream out, PhotoDelivered d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            string(out, d.photoId());
            out.writeInt(d.deliveryCount());
            string(out, d.memberId());
            string(out, d.workerId());
            string(out, d.guarantee());
        }
    }

    private static PhotoDelivered delivery(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new PhotoDelivered(string(in), in.readInt(), string(in), string(in), string(in));
    }

    private static void value(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else {
            out.writeByte(STRING);
            string(out, value.toString());
        }
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

    /** A nullable string: its UTF-8 length (-1 for null), then its bytes (no 64 KiB limit, unlike writeUTF). */
    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
