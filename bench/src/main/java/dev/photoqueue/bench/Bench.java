package dev.photoqueue.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The benchmark harness: {@code java -jar bench.jar <family> [options]}. Prints the environment
 * (JVM, cores, load, command line), runs the family's phases, then the result table. Exits 0 when
 * every figure with a target passed, 1 when one failed, 2 on a usage error.
 */
public final class Bench {

    /** The families {@code Bench <family>} can run; a new family is one more line here. */
    private static final Map<String, Function<BenchOptions, BenchFamily>> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("log", options -> new LogBench());
        FAMILIES.put("group", options -> new GroupBench());
        FAMILIES.put("compare", options -> new CompareBench(options.brokerJar()));
        FAMILIES.put("pipeline", options -> new PipelineBench(options.samples()));
        FAMILIES.put("delivery", options -> new DeliveryBench(options.samples()));
        FAMILIES.put("images", options -> new ImagesBench(options.samples()));
        FAMILIES.put("scale", options -> new ScaleBench());
        FAMILIES.put("upload", options -> new UploadBench(options.samples()));
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        // Before any Chronicle class loads (the log family's peer): no usage analytics, no network.
        ChronicleLog.disableAnalytics();
        // The queue logs one line per opened log; keep the benchmark output to figures.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        BenchOptions options;
        BenchFamily family;
        try {
            options = BenchOptions.parse(Arrays.asList(args));
            family = family(options);
            checkPhases(family, options.only());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        List<Result> results;
        try (WorkDir workDir = WorkDir.create(options.dir())) {
            printEnvironment(family, options, workDir.path());
            Optional<StressBeside> stress = options.stressBeside() ? StressBeside.start() : Optional.empty();
            try {
                results = family.run(options, workDir);
            } finally {
                stress.ifPresent(StressBeside::close);
            }
        }
        System.out.println();
        System.out.println("Results (" + family.name() + "; PASS/FAIL judges the median of the measured rounds;"
                + " load average at end " + loadAverage() + ")");
        ResultTable.print(results, System.out);
        boolean allPassed = results.stream().allMatch(r -> !r.hasTarget() ? !r.failed() : r.passed());
        System.exit(allPassed ? 0 : 1);
    }

    private static BenchFamily family(BenchOptions options) {
        Function<BenchOptions, BenchFamily> factory = FAMILIES.get(options.family());
        if (factory == null) {
            throw new IllegalArgumentException("unknown family \"" + options.family() + "\"; known: "
                    + FAMILIES.keySet());
        }
        return factory.apply(options);
    }

    private static void checkPhases(BenchFamily family, Set<String> only) {
        for (String phase : only) {
            if (!family.phases().contains(phase)) {
                throw new IllegalArgumentException("family " + family.name() + " has no phase \"" + phase
                        + "\"; its phases: " + String.join(",", family.phases()));
            }
        }
    }

    private static String usage() {
        StringBuilder sb = new StringBuilder(BenchOptions.USAGE).append("\nfamilies:");
        BenchOptions defaults = BenchOptions.parse(List.of("usage"));
        FAMILIES.forEach((name, factory) -> {
            BenchFamily f = factory.apply(defaults);
            sb.append("\n  ").append(name).append("  ").append(f.description())
                    .append(" (phases: ").append(String.join(",", f.phases())).append(")");
        });
        return sb.toString();
    }

    private static void printEnvironment(BenchFamily family, BenchOptions options, Path workDir) throws Exception {
        Runtime rt = Runtime.getRuntime();
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(gc.getName());
        }
        FileStore store = Files.getFileStore(workDir);
        System.out.println("PhotoQueue bench, family " + family.name() + ": " + family.description());
        System.out.println("Command:  " + commandLine());
        System.out.printf(Locale.ROOT, "JVM:      %s %s (%s), GCs %s, max heap %,d MiB%n",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"), gcs, rt.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "Machine:  %d cores (availableProcessors), %s %s %s, load average %s%n",
                rt.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), loadAverage());
        System.out.printf(Locale.ROOT, "Data dir: %s (%s, %s)%n", workDir, store.type(), store.name());
        System.out.printf(Locale.ROOT, "Options:  %,d records per round, 1 warm-up + %d measured rounds, phases %s,"
                        + " peer %s, beside %s%n", options.records(), options.rounds(),
                options.only().isEmpty() ? "all" : options.only(), options.peer(), options.beside());
        System.out.println();
    }

    /** This JVM's command line as the OS saw it, or a reconstruction when the OS does not say. */
    private static String commandLine() {
        return ProcessHandle.current().info().commandLine().orElseGet(() -> {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> parts = new ArrayList<>(List.of(java));
            parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            parts.add(System.getProperty("sun.java.command"));
            return String.join(" ", parts);
        });
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }
}
