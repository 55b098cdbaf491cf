package dev.photoqueue.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line: {@code <family> [--records N] [--rounds N] [--only a,b] [--dir DIR]}.
 *
 * @param records records per measured round (each family documents how it scales from this)
 * @param rounds  measured rounds per phase, after one warm-up round
 * @param only    the phases to run; empty means all of the family's phases
 * @param dir     the directory under which a fresh temp data dir is made; null means the default
 * @param brokerJar the Kafka broker jar the {@code compare} family starts
 * @param samples the sample photographs the {@code pipeline} family renders
 * @param peer    what the {@code log} family also runs in turns with the in-house log: {@code none} or
 *                {@value #PEER_CHRONICLE}
 * @param beside  what runs beside the rounds: {@code none} or {@value #BESIDE_STRESS} (one CPU hog)
 */
record BenchOptions(String family, long records, int rounds, Set<String> only, Path dir, Path brokerJar,
                    Path samples, String peer, String beside) {

    static final long DEFAULT_RECORDS = 10_000_000;
    static final int DEFAULT_ROUNDS = 5;
    static final String NONE = "none";
    static final String PEER_CHRONICLE = "chronicle";
    static final String BESIDE_STRESS = "stress";

    static final String USAGE = """
            usage: java -jar bench/target/bench.jar <family> [--records N] [--rounds N] [--only a,b] [--dir DIR]
                                                            [--broker-jar JAR] [--samples DIR]
                                                            [--peer chronicle] [--beside stress]
              --records N   records per measured round (default 10,000,000)
              --rounds N    measured rounds per phase, after one warm-up round (default 5)
              --only a,b    run only these phases of the family
              --dir DIR     make the temp data dir under DIR (default ./target if it exists, else java.io.tmpdir);
                            the temp dir is deleted at the end
              --broker-jar JAR  the Kafka broker the compare family starts
                            (default kafka-broker/target/kafka-broker.jar)
              --samples DIR the photographs the pipeline family renders (default sample-images)
              --peer chronicle  log family: run append-100 and read on Chronicle Queue too, in turns
              --beside stress   run `stress-ng --cpu 1` (one busy core) beside the rounds""";

    BenchOptions {
        if (records < 1000) {
            throw new IllegalArgumentException("--records must be >= 1000, was " + records);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, was " + rounds);
        }
        only = Set.copyOf(only);
        if (!peer.equals(NONE) && !peer.equals(PEER_CHRONICLE)) {
            throw new IllegalArgumentException("--peer must be " + PEER_CHRONICLE + " or " + NONE + ", was \"" + peer
                    + "\"");
        }
        if (!beside.equals(NONE) && !beside.equals(BESIDE_STRESS)) {
            throw new IllegalArgumentException("--beside must be " + BESIDE_STRESS + " or " + NONE + ", was \""
                    + beside + "\"");
        }
    }

    static BenchOptions parse(List<String> args) {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            throw new IllegalArgumentException("the first argument names the benchmark family");
        }
        String family = args.get(0);
        long records = DEFAULT_RECORDS;
        int rounds = DEFAULT_ROUNDS;
        Set<String> only = new LinkedHashSet<>();
        Path dir = null;
        Path brokerJar = Path.of("kafka-broker", "target", "kafka-broker.jar");
        Path samples = Path.of("sample-images");
        String peer = NONE;
        String beside = NONE;
        for (int i = 1; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args.get(++i);
            switch (flag) {
                case "--records" -> records = parseNumber(flag, value);
                case "--rounds" -> rounds = Math.toIntExact(parseNumber(flag, value));
                case "--only" -> {
                    for (String phase : value.split(",")) {
                        if (!phase.isBlank()) {
                            only.add(phase.trim());
                        }
                    }
                }
                case "--dir" -> dir = Path.of(value);
                case "--broker-jar" -> brokerJar = Path.of(value);
                case "--samples" -> samples = Path.of(value);
                case "--peer" -> peer = value;
                case "--beside" -> beside = value;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new BenchOptions(family, records, rounds, only, dir, brokerJar, samples, peer, beside);
    }

    boolean chroniclePeer() {
        return peer.equals(PEER_CHRONICLE);
    }

    boolean stressBeside() {
        return beside.equals(BESIDE_STRESS);
    }

    /** Whether {@code phase} runs: all do when {@code --only} was not given. */
    boolean runs(String phase) {
        return only.isEmpty() || only.contains(phase);
    }

    private static long parseNumber(String flag, String value) {
        try {
            return Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects a whole number, was \"" + value + "\"");
        }
    }
}
