package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.upload.config.InvalidSettingException;
import dev.photoqueue.upload.config.QueueBackendKind;
import dev.photoqueue.upload.http.AdminController;
import dev.photoqueue.upload.http.ClusterController;
import dev.photoqueue.upload.http.EventStream;
import dev.photoqueue.upload.http.HealthController;
import dev.photoqueue.upload.http.HttpApi;
import dev.photoqueue.upload.http.PhotoController;
import dev.photoqueue.upload.http.QueueController;
import dev.photoqueue.upload.metrics.EventMeters;
import dev.photoqueue.upload.metrics.LogTimers;
import dev.photoqueue.upload.metrics.QueueGauges;
import dev.photoqueue.upload.service.Autoscaler;
import dev.photoqueue.upload.service.ClusterMonitor;
import dev.photoqueue.upload.service.DeadLetterService;
import dev.photoqueue.upload.service.PartitionKey;
import dev.photoqueue.upload.service.PhotoService;
import dev.photoqueue.upload.service.QueueService;
import dev.photoqueue.upload.service.ReplayService;
import dev.photoqueue.upload.service.RuntimeSettings;
import dev.photoqueue.upload.service.SettingsFile;
import dev.photoqueue.upload.service.SettingsService;
import dev.photoqueue.upload.service.StatsService;
import dev.photoqueue.upload.service.StatusView;
import dev.photoqueue.upload.service.WorkerService;
import dev.photoqueue.worker.DecodeBudgetMeters;
import dev.photoqueue.worker.Delivery;
import dev.photoqueue.worker.ForegroundActivity;
import dev.photoqueue.worker.PhotoEventListener;
import dev.photoqueue.worker.PhotoStats;
import dev.photoqueue.worker.ProgramArguments;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerPool;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.Topics;
import dev.photoqueue.worker.metrics.JvmMeters;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The upload API process: opens the queue backend, creates the photo topics, starts the embedded
 * workers, the status view and the HTTP server, and wires them together. Nothing else happens here.
 * {@link #close} stops them in reverse order; the workers get their grace period.
 */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);
    /** The autoscaler adds embedded workers up to this many (or WORKERS, if more). */
    static final int AUTOSCALE_MAX_WORKERS = 8;
    /**
     * The embedded workers' nice value while newer uploads are arriving, the lowest priority: they
     * share the process and its cores with the request threads, and an upload must not wait behind
     * a decode for its 202 (see CpuPriority). A job with no newer upload beside it runs at normal
     * priority (ForegroundActivity), so that an idle app's photo is done as fast as a sync one.
     */
    static final int EMBEDDED_WORKER_NICE = 19;
    /**
     * How much longer than the session timeout a replay of the workers' group waits for its members
     * to be gone: a crashed worker is removed once its session times out, and the removal is seen
     * at the next look.
     */
    static final Duration REPLAY_MEMBER_WAIT_MARGIN = Duration.ofSeconds(5);
    /** A temporary blob file this old at start-up belongs to a write that was killed, not a slow one. */
    static final Duration ABANDONED_WRITE_AGE = Duration.ofHours(1);
    /** How often the brokers and replicas are described again on Kafka (the page polls as often). */
    static final Duration CLUSTER_INTERVAL = Duration.ofSeconds(1);

    private final List<AutoCloseable> closeInOrder;
    private final WorkerPool pool;
    private final Javalin server;
    private final AppConfig config;

    private App(AppConfig config, Javalin server, List<AutoCloseable> closeInOrder, WorkerPool pool) {
        this.config = config;
        this.server = server;
        this.closeInOrder = closeInOrder;
        this.pool = pool;
    }

    /** Starts the app from the environment; a setting that cannot work ends the process with status 2 and says why. */
    public static void main(String[] args) {
        OptionalInt refused = new ProgramArguments("photoqueue", "upload-api.jar", AppConfig.variableNames(),
                "README.md, \"Configuration\"").check(List.of(args), System.out, System.err);
        if (refused.isPresent()) {
            System.exit(refused.getAsInt());
            return;
        }
        AppConfig config;
        try {
            config = AppConfig.fromEnvironment();
        } catch (InvalidSettingException e) {
            exit(2, "configuration error: " + e.getMessage());
            return;
        }
        App app;
        try {
            app = start(config);
        } catch (InvalidConfigException e) {
            String variable = QueueBackends.BACKEND.equals(e.key()) ? "QUEUE_BACKEND: " : "";
            exit(2, "configuration error: " + variable + e.getMessage());
            return;
        } catch (DataDirectoryLockedException | BackendUnavailableException | SettingsFile.SettingsFileException
                 | SettingsFile.SettingsNotSavedException e) {
            exit(1, "cannot start: " + e.getMessage());
            return;
        } catch (StorageException e) {
            // a full or failing disk under DATA_DIR (start closed what it had opened): the file and the OS's words
            exit(1, "cannot start: " + e.getMessage());
            return;
        } catch (UncheckedIOException e) {
            exit(1, "cannot start: " + e.getMessage() + ": " + e.getCause().getMessage());
            return;
        } catch (JavalinBindException e) {
            // start closed what it had opened; the port is another process's
            exit(1, "cannot start: port " + config.port() + " on " + config.host()
                    + " is in use by another process (set PORT to a free one)");
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "photoqueue-shutdown"));
        LOG.info("PhotoQueue is up at http://{}:{}/ ({})", config.host(), app.port(), config);
    }

    private static void exit(int status, String message) {
        System.err.println("photoqueue: " + message);
        System.exit(status);
    }

    /** Starts everything on {@code config}; with port 0 the server takes a free port ({@link #port}). */
    public static App start(AppConfig config) {
        return start(config, QueueBackends.open(config.backendSettings()), FileIO.local());
    }

    /**
     * As {@link #start(AppConfig)}, on {@code backend} (which the app then owns and closes), the
     * upload blob store writing through {@code blobFiles}: tests make the queue's or the store's
     * writes fail.
     */
    static App start(AppConfig config, QueueBackend backend, FileIO blobFiles) {
        return start(config, backend, blobFiles, FileIO.local());
    }

    /** As {@link #start(AppConfig, QueueBackend, FileIO)}, the settings file written through {@code settingsFiles}. */
    static App start(AppConfig config, QueueBackend backend, FileIO blobFiles, FileIO settingsFiles) {
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(backend);
        try {
            // before any worker starts: the first job after a restart runs under the saved guarantee
            SettingsFile settingsFile = new SettingsFile(config.dataDir(), settingsFiles);
            SettingsFile.Loaded saved = settingsFile.load(startupSettings(config));
            if (!saved.savedFields().isEmpty()) {
                LOG.info("settings saved in {} are put over the start-up ones: {}", settingsFile.path(),
                        saved.savedFields());
            }
            createTopics(backend.admin(), config);
            ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened.add(JvmMeters.bindTo(metrics));
            DecodeBudgetMeters.bindTo(metrics);
            backend.timeLog(new LogTimers(metrics));
            // the counters of what the workers did come from the events, all workers' alike; the
            // embedded workers count nothing themselves (see docs/metrics.md)
            opened.add(EventMeters.start(backend, metrics));
            opened.add(QueueGauges.start(backend.admin(), metrics));

            // before any worker starts: a start with a new worker version saves its run first, so a
            // replay from the start of that version misses none of its jobs (set: the pool, below)
            AtomicReference<WorkerPool> started = new AtomicReference<>();
            SettingsService settings = new SettingsService(saved, settingsFile,
                    s -> {
                        started.get().setDelivery(Delivery.fromWireName(s.delivery()),
                                RuntimeSettings.consumptionMode(s.consumption()));
                        started.get().setVersion(s.workerVersion());
                    });
            WorkerConfig workerConfig = workerConfig(config, saved.settings());
            ForegroundActivity uploads = new ForegroundActivity();
            WorkerPool pool = WorkerPool.start(backend, workerConfig, PhotoEventListener.NONE, uploads);
            started.set(pool);
            opened.add(pool);
            Producer producer = backend.producer();
            opened.add(producer);
            QueueService queue = new QueueService(backend);
            StatusView view = StatusView.start(backend, queue, config.statusIndexDir(), config.photoCacheSize());
            opened.add(view);
            EventStream events = new EventStream(json);
            opened.add(events);
            view.addListener(events);

            ClusterMonitor cluster = ClusterMonitor.start(backend.admin(), CLUSTER_INTERVAL);
            opened.add(cluster);
            BlobStore blobs = BlobStore.onFileSystem(config.blobDir(), true, blobFiles);
            blobs.deleteAbandonedTemporaryFiles(ABANDONED_WRITE_AGE);
            PhotoService photos = new PhotoService(blobs, config.maxPixels(),
                    workerConfig.variants(), producer, view, queue, settings, config.maxUploadBytes(), metrics, cluster,
                    config.sendTimeout(), config.producerSendTimeout(), uploads);
            WorkerService workers = new WorkerService(pool);
            Autoscaler autoscaler = new Autoscaler(queue, workers, settings, Math.max(1, config.workers()),
                    Math.max(AUTOSCALE_MAX_WORKERS, config.workers())).start();
            opened.add(autoscaler);
            Gauge.builder("photoqueue.backlog", queue, QueueService::backlog)
                    .description("Photo jobs the thumbnail workers have not finished (their group's lag on "
                            + Topics.PHOTO_UPLOADED + ")").register(metrics);
            Gauge.builder("photoqueue.workers", workers, WorkerService::count)
                    .description("Thumbnail workers running embedded in this process").register(metrics);
            FunctionCounter.builder(QueueBackend.PERSIST_FAILURES, backend,
                            b -> b.counters().getOrDefault(QueueBackend.PERSIST_FAILURES, 0L))
                    .description("writes of consumer group positions that failed (each is retried)").register(metrics);
            Gauge.builder(QueueBackend.OFFLINE_PARTITIONS, backend,
                            b -> b.counters().getOrDefault(QueueBackend.OFFLINE_PARTITIONS, 0L))
                    .description("partitions of the in-house log that stopped taking writes after a storage failure")
                    .register(metrics);

            PhotoStats stats = PhotoStats.start(backend, config.dataDir().resolve("stats"));
            opened.add(stats);
            StatsService statsService = new StatsService(stats);
            HttpApi.Controllers controllers = new HttpApi.Controllers(new PhotoController(photos),
                    new QueueController(queue, new DeadLetterService(backend.admin()), statsService),
                    new AdminController(workers, autoscaler.bounds(), settings, new ReplayService(backend.admin(),
                            queue, view, workers, statsService,
                            Duration.ofMillis(config.sessionTimeoutMs()).plus(REPLAY_MEMBER_WAIT_MARGIN)), json),
                    new HealthController(backend, metrics), events, new ClusterController(cluster));
            Javalin server = HttpApi.create(controllers, config.adminToken(), config.maxUploadBytes(), json, metrics);
            server.start(config.host(), config.port());
            // event streams first: an open stream would otherwise hold the server's stop up
            opened.add(() -> {
                events.close();
                server.stop();
            });
            List<AutoCloseable> closeInOrder = new ArrayList<>(opened);
            java.util.Collections.reverse(closeInOrder);
            return new App(config, server, closeInOrder, pool);
        } catch (RuntimeException e) {
            java.util.Collections.reverse(opened);
            closeQuietly(opened);
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The guarantee the embedded workers consume with, for tests of what a start runs. */
    Delivery workerDelivery() {
        return pool.delivery();
    }

    /** The HTTP server, for tests that read its route table. */
    Javalin server() {
        return server;
    }

    public AppConfig config() {
        return config;
    }

    /** Stops the server, the status view, the workers (with their grace period) and the backend. */
    @Override
    public void close() {
        closeQuietly(closeInOrder);
    }

    /**
     * {@code photo.uploaded} with the configured partitions, forced to disk on every append on the
     * in-house log (a 202 promises the job survives a crash), {@code photo.events}, and the
     * dead-letter topic with one partition as the queue makes it.
     */
    private static void createTopics(Admin admin, AppConfig config) {
        Map<String, String> durable = config.backend() == QueueBackendKind.INHOUSE
                ? Map.of(TopicConfigs.FSYNC, "always") : Map.of();
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_UPLOADED, config.partitions()).withConfigs(durable));
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_EVENTS, config.partitions()));
        admin.createTopicIfAbsent(new NewTopic(DeadLetters.topicFor(Topics.PHOTO_UPLOADED), 1));
    }

    /**
     * The run-time settings a start begins with before the saved ones are put over them: keyed by
     * photo id, at-least-once, ordered, no autoscale, {@code MAX_BACKLOG} and {@code WORKER_VERSION}.
     */
    static RuntimeSettings startupSettings(AppConfig config) {
        return new RuntimeSettings(PartitionKey.PHOTO_ID, RuntimeSettings.AT_LEAST_ONCE, config.maxBacklog(), false,
                RuntimeSettings.ORDERED, config.workerVersion());
    }

    /** The embedded workers' configuration; their guarantee, consumption and version are those of {@code settings}. */
    private static WorkerConfig workerConfig(AppConfig config, RuntimeSettings settings) {
        return WorkerConfig.fromSettings(Map.ofEntries(
                Map.entry("delivery", settings.delivery()),
                Map.entry("consumption.mode", settings.consumption()),
                Map.entry("blob.dir", config.blobDir().toString()),
                Map.entry("worker.count", String.valueOf(config.workers())),
                Map.entry("max.deliveries", String.valueOf(config.maxDeliveries())),
                Map.entry("session.timeout.ms", String.valueOf(config.sessionTimeoutMs())),
                Map.entry("max.pixels", String.valueOf(config.maxPixels())),
                Map.entry("max.source.bytes", String.valueOf(Math.max(64L << 20, config.maxUploadBytes()))),
                Map.entry("uploaded.partitions", String.valueOf(config.partitions())),
                Map.entry("worker.nice", String.valueOf(EMBEDDED_WORKER_NICE)),
                Map.entry("worker.version", settings.workerVersion().wireName())));
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", r, e.toString());
            }
        }
    }
}
