package dev.photoqueue.upload.service;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * One step of a photo's journey, as {@code GET /api/photos/{id}/journey} shows it: when, what
 * ({@code uploaded}, {@code delivered}, {@code crashed}, {@code expired}, {@code released},
 * {@code processed}, {@code failed}, {@code dead-lettered}, {@code redriven}, {@code lost}) and the
 * details of that kind of step, shown beside {@code at} and {@code what} in the JSON.
 *
 * <p>The details are an unmodifiable map in the order given. A rebuild makes millions of steps, so
 * they are kept as one array of names and values rather than a hash map of entries.
 */
public record JourneyStep(Instant at, String what, @JsonIgnore Map<String, Object> details) {

    public JourneyStep {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(what, "what");
        details = details instanceof Details compact ? compact : Details.copyOf(details);
    }

    /** A step at {@code millis} since the epoch, with details given as name, value, name, value... */
    static JourneyStep of(long millis, String what, Object... nameValue) {
        return new JourneyStep(Instant.ofEpochMilli(millis), what, Details.of(nameValue));
    }

    /**
     * A step whose details are {@code nameValue}'s pairs as they are, null values included, taking
     * the array (its names distinct): for a step decoded from the photo index, no copy.
     */
    static JourneyStep ofPairs(long millis, String what, Object[] nameValue) {
        return new JourneyStep(Instant.ofEpochMilli(millis), what, new Details(nameValue));
    }

    @JsonAnyGetter
    Map<String, Object> detailsForJson() {
        return details;
    }

    /** Names and values in one array, in order; unmodifiable. */
    private static final class Details extends AbstractMap<String, Object> {
        private final Object[] nameValue;

        private Details(Object[] nameValue) {
            this.nameValue = nameValue;
        }

        /** The pairs whose value is not null, in order. */
        static Details of(Object... nameValue) {
            int present = 0;
            for (int i = 0; i + 1 < nameValue.length; i += 2) {
                if (nameValue[i + 1] != null) {
                    present++;
                }
            }
            Object[] kept = new Object[2 * present];
            int k = 0;
            for (int i = 0; i + 1 < nameValue.length; i += 2) {
                if (nameValue[i + 1] != null) {
                    kept[k++] = (String) nameValue[i];
                    kept[k++] = nameValue[i + 1];
                }
            }
            return new Details(kept);
        }

        /** Every entry of {@code details}, in its order. */
        static Details copyOf(Map<String, Object> details) {
            Object[] kept = new Object[2 * details.size()];
            int k = 0;
            for (Map.Entry<String, Object> e : details.entrySet()) {
                kept[k++] = e.getKey();
                kept[k++] = e.getValue();
            }
            return new Details(kept);
        }

        @Override
        public int size() {
            return nameValue.length / 2;
        }

        @Override
        public Object get(Object name) {
            for (int i = 0; i < nameValue.length; i += 2) {
                if (Objects.equals(nameValue[i], name)) {
                    return nameValue[i + 1];
                }
            }
            return null;
        }

        @Override
        public boolean containsKey(Object name) {
            for (int i = 0; i < nameValue.length; i += 2) {
                if (Objects.equals(nameValue[i], name)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int i;

                        @Override
                        public boolean hasNext() {
                            return i < nameValue.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (i >= nameValue.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, Object> e = new SimpleImmutableEntry<>((String) nameValue[i], nameValue[i + 1]);
                            i += 2;
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return nameValue.length / 2;
                }
            };
        }
    }
}
