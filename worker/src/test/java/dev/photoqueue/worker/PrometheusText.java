package dev.photoqueue.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed: each family's HELP and TYPE, and every
 * sample with its labels. Enough of the format for the tests' assertions: escapes in label values
 * are decoded, timestamps ignored.
 */
public record PrometheusText(Map<String, String> help, Map<String, String> types, List<Sample> samples) {

    public record Sample(String name, Map<String, String> labels, double value) {
        public boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    public static PrometheusText parse(String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String rest = line.substring("# HELP ".length());
                int space = rest.indexOf(' ');
                help.put(space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : rest.substring(space + 1));
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).split(" ");
                types.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(help, types, samples);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int valueAt;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            valueAt = i + 2;
        } else {
            name = line.substring(0, space);
            valueAt = space + 1;
        }
        String value = line.substring(valueAt).split(" ")[0];
        return new Sample(name, labels, Double.parseDouble(value));
    }

    /** The sum of the samples named {@code name} that carry every label of {@code labels}; 0 when none do. */
    public double sum(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).mapToDouble(Sample::value).sum();
    }

    /** The samples named {@code name} that carry every label of {@code labels}. */
    public List<Sample> all(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    }

    /** Every sample name. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The families that have a TYPE but no HELP line, or an empty one. */
    public Set<String> familiesWithoutHelp() {
        Set<String> missing = new TreeSet<>();
        types.keySet().forEach(family -> {
            String text = help.get(family);
            if (text == null || text.isBlank()) {
                missing.add(family);
            }
        });
        help.forEach((family, text) -> {
            if (text.isBlank()) {
                missing.add(family);
            }
        });
        return missing;
    }
}
