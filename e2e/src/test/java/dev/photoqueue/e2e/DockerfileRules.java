package dev.photoqueue.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a Dockerfile of this project must do, as assertions that name the file, line and rule broken. */
final class DockerfileRules {

    /** A tag naming one release, at least major.minor.patch ({@code 3.9.9-eclipse-temurin-17}, {@code v3.0.1}). */
    private static final Pattern EXACT_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+.*");
    private static final Pattern MAVEN_BUILD = Pattern.compile("(^|\\s)(package|verify|install)(\\s|$)");

    private DockerfileRules() {
    }

    /** {@code image} names one release: a tag of at least major.minor.patch (not latest), or a digest. */
    static void assertPinned(String image, String where) {
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        String tag = colon > slash ? image.substring(colon + 1) : "";
        assertTrue(!tag.isEmpty() && !tag.equals("latest") && EXACT_TAG.matcher(tag).matches(), where + ": image "
                + image + " is not pinned to an exact version tag (major.minor.patch, e.g. 17.0.13_11-jre)");
    }

    /** Every FROM of {@code dockerfile} that is not an earlier stage of it is pinned. */
    static void assertBaseImagesPinned(Dockerfile dockerfile) {
        List<String> stages = dockerfile.stageNames();
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            if (!stages.contains(stage.image().toLowerCase(Locale.ROOT))) {
                assertPinned(stage.image(), dockerfile.file() + ":" + stage.from().line());
            }
        }
    }

    /**
     * The build stage resolves its dependencies from the poms in a layer of its own: before the
     * first Maven run that resolves dependencies only poms are copied, every module's (Maven reads
     * them all with the parent); after it the sources of every module the package run builds and
     * the folders their poms read; and the package run is offline, on the same local repository.
     */
    static void assertDependenciesLayerFirst(Dockerfile dockerfile, MavenModules modules) throws Exception {
        Dockerfile.Stage build = dockerfile.stages().stream()
                .filter(s -> s.all("RUN").stream().anyMatch(r -> isMavenBuild(r.arguments())))
                .findFirst().orElseThrow(() -> new AssertionError(dockerfile.file() + " runs no mvn package"));
        List<Dockerfile.Instruction> steps = build.instructions();
        int resolve = resolvingStep(dockerfile, steps);
        assertOnlyPomsBefore(dockerfile, steps.subList(0, resolve), modules);
        Dockerfile.Instruction packaging = steps.stream().skip(resolve)
                .filter(r -> r.keyword().equals("RUN") && isMavenBuild(r.arguments())).findFirst()
                .orElseThrow(() -> new AssertionError(dockerfile.file() + " packages nothing after resolving"));
        List<String> words = packaging.words();
        assertTrue(words.contains("-o") || words.contains("--offline"), dockerfile.file() + ":" + packaging.line()
                + " packages without -o (offline): a dependency the resolving layer missed would be fetched "
                + "in the source layer, unnoticed");
        assertEquals(localRepository(steps.get(resolve).words()), localRepository(words), dockerfile.file()
                + ": the resolving and the packaging run must use the same local repository");
        assertSourcesAfter(dockerfile, steps.subList(resolve, steps.size()), packaging, modules);
    }

    private static int resolvingStep(Dockerfile dockerfile, List<Dockerfile.Instruction> steps) {
        for (int i = 0; i < steps.size(); i++) {
            String args = steps.get(i).arguments();
            if (steps.get(i).keyword().equals("RUN") && args.contains("mvn")
                    && (args.contains("dependency:go-offline") || args.contains("dependency:resolve"))) {
                return i;
            }
        }
        throw new AssertionError(dockerfile.file() + " resolves no dependencies (dependency:go-offline) before "
                + "mvn package: every source change downloads them all again");
    }

    private static void assertOnlyPomsBefore(Dockerfile dockerfile, List<Dockerfile.Instruction> before,
                                             MavenModules modules) {
        Set<String> copied = new TreeSet<>();
        for (Dockerfile.Instruction copy : before) {
            if (copy.keyword().equals("COPY") || copy.keyword().equals("ADD")) {
                for (String source : sources(copy)) {
                    assertTrue(source.equals("pom.xml") || source.endsWith("/pom.xml"), dockerfile.file() + ":"
                            + copy.line() + " copies " + source + " before dependencies are resolved: any change "
                            + "to it downloads every dependency again; copy the poms alone first");
                    copied.add(source);
                }
            }
        }
        Set<String> poms = new TreeSet<>(List.of("pom.xml"));
        modules.folders().forEach(f -> poms.add(f + "/pom.xml"));
        poms.removeAll(copied);
        assertTrue(poms.isEmpty(), dockerfile.file() + " does not copy " + poms + " before resolving dependencies");
    }

    private static void assertSourcesAfter(Dockerfile dockerfile, List<Dockerfile.Instruction> after,
                                           Dockerfile.Instruction packaging, MavenModules modules) throws Exception {
        Set<String> copied = new TreeSet<>();
        after.stream().filter(c -> c.keyword().equals("COPY") && !c.arguments().startsWith("--from"))
                .forEach(c -> sources(c).forEach(s -> copied.add(s.replaceAll("/+$", ""))));
        List<String> words = packaging.words();
        int pl = words.indexOf("-pl");
        assertTrue(pl >= 0 && pl + 1 < words.size(), dockerfile.file() + ":" + packaging.line()
                + " names no module with -pl");
        Set<String> needed = new TreeSet<>();
        for (String module : words.get(pl + 1).split(",")) {
            for (String folder : modules.withDependencies(module)) {
                needed.add(folder + "/src");
                needed.addAll(modules.outsideFolders(folder));
            }
        }
        needed.removeAll(copied);
        assertTrue(needed.isEmpty(), dockerfile.file() + " builds " + words.get(pl + 1) + " but does not copy "
                + needed + " after resolving dependencies");
    }

    private static boolean isMavenBuild(String run) {
        return run.contains("mvn") && MAVEN_BUILD.matcher(run).find();
    }

    private static String localRepository(List<String> words) {
        return words.stream().filter(w -> w.startsWith("-Dmaven.repo.local=")).findFirst().orElse("(default)");
    }

    /** The source paths of a COPY or ADD, without its flags and destination. */
    private static List<String> sources(Dockerfile.Instruction copy) {
        List<String> words = new ArrayList<>(copy.words());
        words.removeIf(w -> w.startsWith("--"));
        return words.subList(0, Math.max(0, words.size() - 1));
    }
}
