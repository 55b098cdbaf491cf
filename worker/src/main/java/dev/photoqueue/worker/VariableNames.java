package dev.photoqueue.worker;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The names of the environment variables a settings reader looks up, found by running it on
 * values of nothing that note each name asked for: the list is the code's own and cannot fall
 * behind it. The reader must ask for every name it knows when none is set (read its defaults).
 */
public final class VariableNames {

    private VariableNames() {
    }

    /** Every name {@code reader} looks up (get or containsKey) in a map in which nothing is set. */
    public static Set<String> lookedUpBy(Consumer<Map<String, String>> reader) {
        Set<String> names = new TreeSet<>();
        reader.accept(new LookupRecorder(names));
        return Collections.unmodifiableSet(names);
    }

    private static final class LookupRecorder extends AbstractMap<String, String> {

        private final Set<String> names;

        LookupRecorder(Set<String> names) {
            this.names = names;
        }

        @Override
        public String get(Object name) {
            names.add((String) name);
            return null;
        }

        @Override
        public boolean containsKey(Object name) {
            names.add((String) name);
            return false;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return Set.of();
        }
    }
}
