package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumptionMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * How pq's option values are checked and typed. Each converter's message is the end of a sentence
 * that {@link UsageErrors} begins with the option's name ("--max" + " must be >= 1, got 0"), so
 * that every bad value is named with the option it was given to.
 */
final class Converters {

    private Converters() {
    }

    /** Any text but the empty one. */
    static final class NonEmpty implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            return value;
        }
    }

    /**
     * A topic name as both backends take one: 1 to {@value #MAX_TOPIC_NAME} letters, digits,
     * {@code .}, {@code _} and {@code -}, and not {@code .} or {@code ..} (Kafka's rule, and the
     * in-house log's, whose topics are directories). Checked here so that a mistyped name is a bad
     * command line (exit 2) found before the data directory is opened, or created by produce.
     */
    static final class TopicName implements ITypeConverter<String> {

        static final int MAX_TOPIC_NAME = 249;

        @Override
        public String convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            if (value.length() > MAX_TOPIC_NAME) {
                throw new TypeConversionException("must be at most " + MAX_TOPIC_NAME + " characters, got "
                        + value.length());
            }
            if (value.equals(".") || value.equals("..")) {
                throw new TypeConversionException("must be a topic name, got '" + value + "'");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                        || c == '-')) {
                    throw new TypeConversionException("takes letters, digits, '.', '_' and '-', got '" + value
                            + "' (character '" + c + "' at " + i + ")");
                }
            }
            return value;
        }
    }

    /**
     * A consumer group id that pq may join or move: not empty, and not one of the queue's internal
     * groups ({@link Admin#INTERNAL_PREFIX}): joining {@code __redrive} on {@code T.dlq} would ack its
     * dead letters as redriven without sending any back, and they would be listed and redriven no more.
     */
    static final class GroupId implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            if (value.startsWith(Admin.INTERNAL_PREFIX)) {
                throw new TypeConversionException("must not start with " + Admin.INTERNAL_PREFIX + ", got '" + value
                        + "': those are the queue's internal groups, such as the one that marks dead letters "
                        + "redriven");
            }
            return value;
        }
    }

    /**
     * Kafka's bootstrap list, {@code HOST:PORT[,HOST:PORT...]}, each port a whole number from 1 to
     * 65535: a mistyped address is a bad command line (exit 2) naming the option, not a queue error.
     */
    static final class BootstrapServers implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            for (String entry : value.split(",", -1)) {
                String server = entry.trim();
                int colon = server.lastIndexOf(':');
                if (colon <= 0 || !validPort(server.substring(colon + 1))) {
                    throw new TypeConversionException("must be HOST:PORT[,HOST:PORT...], got '" + value + "'");
                }
            }
            return value;
        }

        private static boolean validPort(String port) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
            int number = Integer.parseInt(port);
            return number >= 1 && number <= 65535;
        }
    }

    /** A whole number >= 0 (a timeout, an offset). */
    static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return wholeNumber(value, 0, Long.MAX_VALUE);
        }
    }

    /** A whole number >= 1 (a count). */
    static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return wholeNumber(value, 1, Long.MAX_VALUE);
        }
    }

    /** A whole number from 0 to {@link Integer#MAX_VALUE} (a partition). */
    static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) wholeNumber(value, 0, Integer.MAX_VALUE);
        }
    }

    /**
     * A whole number >= 1 of any size: a count whose upper limit depends on the backend, which the
     * command checks once it knows which backend it works on (a converter does not), so that the
     * message names the limit that applies rather than the range of a Java type.
     */
    static final class PositiveCount implements ITypeConverter<BigInteger> {
        @Override
        public BigInteger convert(String value) {
            String trimmed = value.trim();
            if (!trimmed.matches("\\d+")) {
                // Not digits alone: wholeNumber words what is wrong (not a number, below 1), or takes "+5".
                return BigInteger.valueOf(wholeNumber(value, 1, Long.MAX_VALUE));
            }
            BigInteger count = new BigInteger(trimmed);
            if (count.signum() == 0) {
                throw new TypeConversionException("must be >= 1, got 0");
            }
            return count;
        }
    }

    /** A consumer group's consumption mode, by name in any case. */
    static final class Mode implements ITypeConverter<ConsumptionMode> {
        @Override
        public ConsumptionMode convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            for (ConsumptionMode m : ConsumptionMode.values()) {
                if (m.name().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new TypeConversionException("must be one of " + String.join(", ", new ModeNames()) + ", got '"
                    + value + "'");
        }
    }

    /** The consumption modes as typed on the command line, for help and shell completion. */
    static final class ModeNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (ConsumptionMode m : ConsumptionMode.values()) {
                names.add(m.name().toLowerCase(Locale.ROOT));
            }
            return names.iterator();
        }
    }

    /** An ISO-8601 date and time with its zone offset, as milliseconds since the epoch. */
    static final class EpochMillis implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new TypeConversionException("must be an ISO-8601 date and time with a zone offset, like "
                        + "2026-11-28T10:00:00Z or 2026-11-28T11:00:00+01:00; got '" + value + "'");
            }
        }
    }

    /** Where a record was: its partition and offset, written {@code P:O}. */
    record Position(int partition, long offset) {
        @Override
        public String toString() {
            return partition + ":" + offset;
        }
    }

    /** {@code P:O}, a partition and an offset, both whole numbers >= 0. */
    static final class PartitionOffset implements ITypeConverter<Position> {
        @Override
        public Position convert(String value) {
            String[] parts = value.split(":", -1);
            try {
                if (parts.length == 2) {
                    int partition = Integer.parseInt(parts[0].trim());
                    long offset = Long.parseLong(parts[1].trim());
                    if (partition >= 0 && offset >= 0) {
                        return new Position(partition, offset);
                    }
                }
            } catch (NumberFormatException e) {
                // worded below, as every other malformed value
            }
            throw new TypeConversionException("must be PARTITION:OFFSET of the original record, got '" + value + "'");
        }
    }

    private static long wholeNumber(String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            // Digits past the range of a long are a whole number still, only too large (or too small).
            if (value.trim().matches("\\d+")) {
                throw new TypeConversionException("must be at most " + max + ", got '" + value + "'");
            }
            if (value.trim().matches("-\\d+")) {
                throw new TypeConversionException("must be >= " + min + ", got " + value.trim());
            }
            throw new TypeConversionException("must be a whole number >= " + min + ", got '" + value + "'");
        }
        if (parsed < min) {
            throw new TypeConversionException("must be >= " + min + ", got " + parsed);
        }
        if (parsed > max) {
            throw new TypeConversionException("must be at most " + max + ", got '" + value + "'");
        }
        return parsed;
    }
}
