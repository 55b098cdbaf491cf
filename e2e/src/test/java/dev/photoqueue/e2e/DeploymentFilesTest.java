package dev.photoqueue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.WorkerMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and the Dockerfiles it builds, checked for what can be checked without a
 * Docker engine (none runs where these tests run): the services the demo needs, a health check for
 * every service, a named volume wherever a service keeps data, only variables the apps read, every
 * base image pinned to an exact version, image builds that resolve their dependencies in a layer of
 * their own before the sources are copied, and the native library the thumbnails are made with.
 *
 * <p>The rules hold for every service in the file, so a service added later (monitoring, say) is
 * checked like the others; {@link #REQUIRED_SERVICES} only says which must be there.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");

    /** The demo's services: the three brokers, the upload API and the scalable workers. */
    private static final Set<String> REQUIRED_SERVICES = Set.of("kafka-1", "kafka-2", "kafka-3", "upload-api", "worker");

    /**
     * Services that keep data they must not lose, and where: a folder, or {@code $NAME} for the folder
     * the service's variable NAME gives. A named volume must be mounted there.
     */
    private static final Map<String, String> DATA_SERVICES = Map.of("kafka-1", "$KAFKA_LOG_DIRS",
            "kafka-2", "$KAFKA_LOG_DIRS", "kafka-3", "$KAFKA_LOG_DIRS", "upload-api", "$DATA_DIR", "worker", "$DATA_DIR");

    /** Variables that name a data folder: any service that sets one keeps data there, listed above or not. */
    private static final List<String> DATA_PATH_VARIABLES = List.of("DATA_DIR", "KAFKA_LOG_DIRS");

    private static JsonNode compose;
    private static Map<String, JsonNode> services;
    private static MavenModules modules;

    @BeforeAll
    static void readFiles() throws Exception {
        compose = YamlTree.read(ROOT.resolve("docker-compose.yml"));
        services = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
        modules = new MavenModules(ROOT);
    }

    /** The variables each app built from this repository reads, from its own configuration code. */
    private static Map<String, Set<String>> appVariables() {
        return Map.of("upload-api", AppConfig.variableNames(), "worker", WorkerMain.variableNames());
    }

    @Test
    void theDemosServicesAreThere() {
        Set<String> missing = new TreeSet<>(REQUIRED_SERVICES);
        missing.removeAll(services.keySet());
        assertTrue(missing.isEmpty(), "docker-compose.yml lacks the services " + missing);
    }

    @Test
    void everyServiceHasAHealthCheck() throws Exception {
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            JsonNode check = service.getValue().path("healthcheck");
            if (check.path("disable").asBoolean(false)) {
                throw new AssertionError("service " + service.getKey() + " disables its health check");
            }
            boolean inCompose = check.path("test").size() > 0 || check.path("test").isTextual();
            Dockerfile built = dockerfileOf(service.getKey());
            boolean inImage = built != null && built.stages().get(built.stages().size() - 1).all("HEALTHCHECK")
                    .stream().anyMatch(h -> !h.arguments().trim().equalsIgnoreCase("NONE"));
            assertTrue(inCompose || inImage, "service " + service.getKey()
                    + " has no health check, neither in docker-compose.yml nor in the HEALTHCHECK of its image");
        }
    }

    @Test
    void everyServiceThatKeepsDataMountsANamedVolumeWhereItKeepsIt() throws Exception {
        Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> missing = new TreeSet<>(DATA_SERVICES.keySet());
        missing.removeAll(services.keySet());
        assertTrue(missing.isEmpty(), "docker-compose.yml lacks the data services " + missing);
        for (String name : services.keySet()) {
            String dataPath = dataPath(name);
            if (dataPath == null) {
                continue;
            }
            Map<String, String> mounts = volumeMounts(services.get(name));
            String volume = mounts.get(dataPath);
            assertTrue(volume != null, "service " + name + " keeps its data in " + dataPath
                    + " but mounts no volume there; its mounts: " + mounts);
            assertTrue(declared.contains(volume), "service " + name + " mounts '" + volume + "' at " + dataPath
                    + ", which is not a named volume of docker-compose.yml " + declared
                    + ": a bind mount or an anonymous volume does not outlive `docker compose down`");
        }
    }

    @Test
    void theAppsAreGivenOnlyVariablesTheyRead() throws Exception {
        Map<String, Set<String>> apps = appVariables();
        for (String name : services.keySet()) {
            Dockerfile built = dockerfileOf(name);
            if (built == null) {
                continue; // a third-party image: its variables are its own
            }
            Set<String> reads = apps.get(name);
            assertTrue(reads != null, "service " + name + " is built from " + built.file()
                    + "; say here which variables its app reads (known: " + apps.keySet() + ")");
            Set<String> given = new TreeSet<>(environment(services.get(name)).keySet());
            given.addAll(imageEnvironment(built).keySet());
            given.removeAll(reads);
            assertTrue(given.isEmpty(), "service " + name + " is given " + given
                    + ", which its app never reads; it reads " + reads);
        }
    }

    @Test
    void everyImageIsPinnedToAnExactVersion() throws Exception {
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            JsonNode image = service.getValue().path("image");
            if (image.isTextual()) {
                DockerfileRules.assertPinned(image.asText(), "service " + service.getKey() + " in docker-compose.yml");
            }
            Dockerfile built = dockerfileOf(service.getKey());
            if (built != null) {
                DockerfileRules.assertBaseImagesPinned(built);
            }
        }
    }

    @Test
    void imageBuildsResolveDependenciesFromThePomsBeforeCopyingSources() throws Exception {
        for (String name : services.keySet()) {
            Dockerfile built = dockerfileOf(name);
            if (built != null) {
                DockerfileRules.assertDependenciesLayerFirst(built, modules);
            }
        }
    }

    /**
     * The worker, and the upload API with its embedded workers, make thumbnails with libjpeg-turbo
     * where its TurboJPEG library is installed and fall back to ImageIO, about half as fast,
     * where it is not: their runtime images install it (Ubuntu's {@code libturbojpeg}).
     */
    @Test
    void theImagesThatMakeThumbnailsInstallLibjpegTurbo() throws Exception {
        for (String name : List.of("worker", "upload-api")) {
            Dockerfile built = dockerfileOf(name);
            assertTrue(built != null, "service " + name + " is built from a Dockerfile of this repository");
            Dockerfile.Stage runtime = built.stages().get(built.stages().size() - 1);
            boolean installs = runtime.all("RUN").stream().map(Dockerfile.Instruction::words)
                    .anyMatch(words -> words.contains("install") && words.contains("libturbojpeg"));
            assertTrue(installs, built.file() + ": the runtime stage (line " + runtime.from().line()
                    + ") does not apt-get install libturbojpeg");
        }
    }

    // ---- reading the compose file

    /** The Dockerfile a service is built from, or null for a service that runs a published image. */
    private static Dockerfile dockerfileOf(String service) throws Exception {
        JsonNode build = services.get(service).path("build");
        if (build.isMissingNode()) {
            return null;
        }
        Path context = ROOT.resolve(build.isTextual() ? build.asText() : build.path("context").asText("."));
        return Dockerfile.read(context.resolve(build.path("dockerfile").asText("Dockerfile")).normalize());
    }

    /** The service's environment in docker-compose.yml, as a map whether written as one or as a list. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(e -> {
                String[] kv = e.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    /** The ENV of the image's last stage: {@code ENV A=1 B=2} or the old {@code ENV A 1}. */
    private static Map<String, String> imageEnvironment(Dockerfile dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Dockerfile.Instruction instruction : dockerfile.stages().get(dockerfile.stages().size() - 1).all("ENV")) {
            List<String> words = instruction.words();
            if (!words.get(0).contains("=")) {
                env.put(words.get(0), String.join(" ", words.subList(1, words.size())));
                continue;
            }
            for (String word : words) {
                String[] kv = word.split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /**
     * Where the service keeps its data: as {@link #DATA_SERVICES} says, else the first of
     * {@link #DATA_PATH_VARIABLES} it or its image sets; null when it keeps none.
     */
    private static String dataPath(String name) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        Dockerfile built = dockerfileOf(name);
        if (built != null) {
            env.putAll(imageEnvironment(built));
        }
        env.putAll(environment(services.get(name)));
        String declared = DATA_SERVICES.get(name);
        if (declared != null && declared.startsWith("$")) {
            String path = env.get(declared.substring(1));
            assertTrue(path != null && !path.isBlank(), "service " + name + " keeps data where "
                    + declared.substring(1) + " says, but neither docker-compose.yml nor its image sets it");
            return path;
        }
        return declared != null ? declared : DATA_PATH_VARIABLES.stream().map(env::get)
                .filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
    }

    /** The service's volumes: mount path to source (a volume name or a host path). */
    private static Map<String, String> volumeMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                if (parts.length >= 2) {
                    mounts.put(parts[1], parts[0]);
                } else {
                    mounts.put(parts[0], "(anonymous)");
                }
            } else {
                mounts.put(volume.path("target").asText(), volume.path("type").asText("volume").equals("volume")
                        ? volume.path("source").asText("(anonymous)") : "(" + volume.path("type").asText() + ")");
            }
        }
        return mounts;
    }
}
