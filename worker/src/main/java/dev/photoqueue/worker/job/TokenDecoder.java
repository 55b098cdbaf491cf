package dev.photoqueue.worker.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common messages read straight from the JSON tokens into their records: jobs, and the
 * {@link PhotoDelivered} and {@link PhotoProcessed} events, which are most of what is read. It
 * answers only for messages it reads exactly as {@link MessageCodec}'s data binding would (every
 * field of its JSON type, every primitive present, instants as {@code 2024-05-01T10:00:00.123Z});
 * for anything else (another event type, a number where a string is expected, a missing primitive,
 * another form of instant, invalid values, not JSON) it returns null and the caller binds the
 * message as before, so results and errors stay the same. Thread-safe.
 */
final class TokenDecoder {

    private static final JsonFactory JSON = new JsonFactory();

    /** A message this decoder leaves to data binding. */
    private static final class NotMine extends Exception {
        NotMine() {
            super(null, null, false, false);
        }
    }

    private static final NotMine NOT_MINE = new NotMine();

    private TokenDecoder() {
    }

    /** The job, or null when data binding must read it. */
    static PhotoUploaded job(byte[] value) {
        try (JsonParser p = JSON.createParser(value)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            String photoId = null;
            String blob = null;
            String sha256 = null;
            Instant uploadedAt = null;
            String userId = null;
            String city = null;
            String name = null;
            Instant receivedAt = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "photoId" -> photoId = string(p);
                    case "blob" -> blob = string(p);
                    case "sha256" -> sha256 = string(p);
                    case "uploadedAt" -> uploadedAt = instant(p);
                    case "userId" -> userId = string(p);
                    case "city" -> city = string(p);
                    case "name" -> name = string(p);
                    case "receivedAt" -> receivedAt = instant(p);
                    default -> p.skipChildren();
                }
            }
            end(p);
            return new PhotoUploaded(photoId, blob, sha256, uploadedAt, userId, city, name, receivedAt);
        } catch (NotMine | IOException | RuntimeException e) {
            return null; // data binding reads it, and names what is wrong with it
        }
    }

    /** The event, or null when data binding must read it. */
    static PhotoEvent event(byte[] value) {
        try (JsonParser p = JSON.createParser(value)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            String type = null;
            String photoId = null;
            Integer deliveryCount = null;
            String memberId = null;
            String workerId = null;
            String guarantee = null;
            List<PhotoProcessed.ProcessedVariant> variants = null;
            PhotoProcessed.Timings timings = null;
            Boolean duplicate = null;
            String userId = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "type" -> type = string(p);
                    case "photoId" -> photoId = string(p);
                    case "deliveryCount" -> deliveryCount = integer(p);
                    case "memberId" -> memberId = string(p);
                    case "workerId" -> workerId = string(p);
                    case "guarantee" -> guarantee = string(p);
                    case "variants" -> variants = variants(p);
                    case "timings" -> timings = timings(p);
                    case "duplicate" -> duplicate = bool(p);
                    case "userId" -> userId = string(p);
                    default -> p.skipChildren();
                }
            }
            end(p);
            expect(deliveryCount != null);
            if ("PhotoDelivered".equals(type)) {
                return new PhotoDelivered(photoId, deliveryCount, memberId, workerId, guarantee);
            }
            expect("PhotoProcessed".equals(type) && variants != null && duplicate != null);
            return new PhotoProcessed(photoId, variants, timings, workerId, deliveryCount, duplicate, userId);
        } catch (NotMine | IOException | RuntimeException e) {
            return null; // data binding reads it, and names what is wrong with it
        }
    }

    private static List<PhotoProcessed.ProcessedVariant> variants(JsonParser p) throws IOException, NotMine {
        expect(p.currentToken() == JsonToken.START_ARRAY);
        List<PhotoProcessed.ProcessedVariant> out = new ArrayList<>(4);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            String path = null;
            Integer width = null;
            Integer height = null;
            Long bytes = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "name" -> name = string(p);
                    case "path" -> path = string(p);
                    case "width" -> width = integer(p);
                    case "height" -> height = integer(p);
                    case "bytes" -> bytes = longValue(p);
                    default -> p.skipChildren();
                }
            }
            expect(width != null && height != null && bytes != null);
            out.add(new PhotoProcessed.ProcessedVariant(name, path, width, height, bytes));
        }
        expect(p.currentToken() == JsonToken.END_ARRAY);
        return out;
    }

    private static PhotoProcessed.Timings timings(JsonParser p) throws IOException, NotMine {
        expect(p.currentToken() == JsonToken.START_OBJECT);
        long[] micros = new long[5];
        boolean[] seen = new boolean[5];
        Map<String, Long> variantMicros = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            int i = switch (field) {
                case "readMicros" -> 0;
                case "decodeMicros" -> 1;
                case "renderMicros" -> 2;
                case "writeMicros" -> 3;
                case "totalMicros" -> 4;
                default -> -1;
            };
            if (i >= 0) {
                micros[i] = longValue(p);
                seen[i] = true;
            } else if (field.equals("variantMicros")) {
                variantMicros = longs(p);
            } else {
                p.skipChildren();
            }
        }
        for (boolean s : seen) {
            expect(s);
        }
        return new PhotoProcessed.Timings(micros[0], micros[1], micros[2], micros[3], micros[4], variantMicros);
    }

    private static Map<String, Long> longs(JsonParser p) throws IOException, NotMine {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p.currentToken() == JsonToken.START_OBJECT);
        Map<String, Long> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            out.put(key, p.currentToken() == JsonToken.VALUE_NULL ? null : longValue(p));
        }
        return out;
    }

    private static String string(JsonParser p) throws IOException, NotMine {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p.currentToken() == JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static int integer(JsonParser p) throws IOException, NotMine {
        expect(p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT);
        return p.getIntValue();
    }

    private static long longValue(JsonParser p) throws IOException, NotMine {
        expect(p.currentToken() == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                || p.getNumberType() == JsonParser.NumberType.LONG));
        return p.getLongValue();
    }

    private static boolean bool(JsonParser p) throws NotMine {
        expect(p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE);
        return p.currentToken() == JsonToken.VALUE_TRUE;
    }

    /** An instant written as {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form the codec writes; null for null. */
    static Instant instant(JsonParser p) throws IOException, NotMine {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        String s = string(p);
        int n = s.length();
        expect(n >= 20 && n <= 30 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
                && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z');
        int nanos = 0;
        if (n > 20) {
            expect(s.charAt(19) == '.' && n > 21);
            for (int i = 20; i < 29; i++) {
                nanos = nanos * 10 + (i < n - 1 ? digits(s, i, i + 1) : 0);
            }
        }
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        expect(hour < 24 && minute < 60 && second < 60);
        try {
            long day = LocalDate.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10)).toEpochDay();
            return Instant.ofEpochSecond(day * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            throw NOT_MINE;
        }
    }

    private static int digits(String s, int from, int to) throws NotMine {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            expect(c >= '0' && c <= '9');
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Nothing may follow the object. */
    private static void end(JsonParser p) throws IOException, NotMine {
        expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null);
    }

    private static void expect(boolean condition) throws NotMine {
        if (!condition) {
            throw NOT_MINE;
        }
    }
}
