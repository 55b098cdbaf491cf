package dev.photoqueue.upload.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code Accept} request header as RFC 9110 (section 12.5.1) reads it: a list of media ranges
 * ({@code type/subtype}, {@code type/*} or {@code *}{@code /*}), each with an optional weight
 * {@code q} from 0 to 1 (default 1), in one or several header fields. A media type is acceptable
 * when the most specific range that matches it has a weight above 0, so
 * {@code text/event-stream;q=0, *}{@code /*} refuses exactly that type. No Accept at all, or only
 * empty fields, accepts anything. Parameters other than the weight are not compared. Immutable.
 */
final class AcceptHeader {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

    /** One media range; {@code *} stands for any type or subtype. */
    private record Range(String type, String subtype, double weight) {

        boolean matches(String t, String s) {
            return (type.equals("*") || type.equals(t)) && (subtype.equals("*") || subtype.equals(s));
        }

        /** 2 for type/subtype, 1 for type/*, 0 for any type: the most specific match decides. */
        int specificity() {
            return type.equals("*") ? 0 : subtype.equals("*") ? 1 : 2;
        }
    }

    private final String text;
    private final List<Range> ranges;

    private AcceptHeader(String text, List<Range> ranges) {
        this.text = text;
        this.ranges = List.copyOf(ranges);
    }

    /**
     * The header made of {@code fields} (one string per header field, none when absent);
     * {@link IllegalArgumentException} naming the element that is no media range or has a weight
     * outside 0 to 1 (at most three decimals).
     */
    static AcceptHeader parse(List<String> fields) {
        List<Range> ranges = new ArrayList<>();
        for (String field : fields) {
            for (String element : split(field, ',')) {
                if (!element.isBlank()) {
                    ranges.add(range(element.trim()));
                }
            }
        }
        return new AcceptHeader(String.join(", ", fields), ranges);
    }

    /** True when {@code mediaType} ({@code type/subtype}) may be answered. */
    boolean allows(String mediaType) {
        if (ranges.isEmpty()) {
            return true;
        }
        String[] typeAndSub = mediaType.toLowerCase(Locale.ROOT).split("/", 2);
        Range best = null;
        for (Range r : ranges) {
            if (r.matches(typeAndSub[0], typeAndSub[1]) && (best == null || r.specificity() > best.specificity()
                    || (r.specificity() == best.specificity() && r.weight() > best.weight()))) {
                best = r;
            }
        }
        return best != null && best.weight() > 0;
    }

    /** The header's fields as received, joined by commas, for messages. */
    @Override
    public String toString() {
        return text;
    }

    private static Range range(String element) {
        List<String> parts = split(element, ';');
        String[] typeAndSub = parts.get(0).trim().toLowerCase(Locale.ROOT).split("/", -1);
        if (typeAndSub.length != 2 || !TOKEN.matcher(typeAndSub[0]).matches()
                || !TOKEN.matcher(typeAndSub[1]).matches() || (typeAndSub[0].equals("*") && !typeAndSub[1].equals("*"))) {
            throw new IllegalArgumentException("'" + element + "' is not a media range (type/subtype, type/* or */*)");
        }
        double weight = 1;
        for (String parameter : parts.subList(1, parts.size())) {
            String[] nameValue = parameter.trim().split("=", 2);
            if (nameValue[0].trim().equalsIgnoreCase("q")) {
                String q = nameValue.length == 2 ? nameValue[1].trim() : "";
                if (!QVALUE.matcher(q).matches()) {
                    throw new IllegalArgumentException("the weight of '" + element + "' must be q=0 to q=1 with at "
                            + "most three decimals, was '" + q + "'");
                }
                weight = Double.parseDouble(q);
                break; // what follows the weight are accept extensions
            }
        }
        return new Range(typeAndSub[0], typeAndSub[1], weight);
    }

    /** {@code s} split at {@code separator} outside double-quoted strings. */
    private static List<String> split(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString());
        return out;
    }
}
