package dev.photoqueue.upload;

import dev.photoqueue.upload.config.AppConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A real app on port 0 with its own data folder, configured as the environment would configure it. */
final class RunningApp implements AutoCloseable {

    final App app;
    final Path dataDir;
    final TestClient client;

    private RunningApp(App app, Path dataDir, String token) {
        this.app = app;
        this.dataDir = dataDir;
        this.client = new TestClient(app.port(), token);
    }

    static RunningApp start(Map<String, String> environment) {
        try {
            return start(Files.createTempDirectory("photoqueue-upload-test"), environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunningApp start(Path dataDir, Map<String, String> environment) {
        AppConfig config = config(dataDir, environment);
        return new RunningApp(App.start(config), dataDir, config.adminToken());
    }

    /**
     * The configuration {@code environment} gives an app on a free loopback port with its data in
     * {@code dataDir}, for tests that start the app on a backend or files of their own.
     */
    static AppConfig config(Path dataDir, Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("DATA_DIR", dataDir.toString());
        return AppConfig.fromSources(env, new Properties());
    }

    @Override
    public void close() {
        app.close();
    }
}
