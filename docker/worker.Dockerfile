# A thumbnail worker process (Kafka backend). Build context: the repository root.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, in a layer that only a pom change rebuilds: the poms alone (every module's, as
# the parent lists them all), then every dependency and build plugin resolved from them. The
# project's own modules are in no repository: they are left out here and built from source below.
# Maven 3.9 or later: older ones fetch plexus-utils 1.1 for plugins during the build, which
# go-offline does not, and the offline build then fails.
COPY pom.xml ./
COPY queue-core/pom.xml queue-core/
COPY worker/pom.xml worker/
COPY upload-api/pom.xml upload-api/
COPY bench/pom.xml bench/
COPY kafka-broker/pom.xml kafka-broker/
COPY e2e/pom.xml e2e/
RUN mvn -B -q -Dmaven.repo.local=/m2 -pl worker -am dependency:go-offline -DexcludeGroupIds=dev.photoqueue
# Then the sources, built offline from that layer.
COPY queue-core/src queue-core/src
COPY worker/src worker/src
RUN mvn -B -q -o -Dmaven.repo.local=/m2 -pl worker -am package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre
# libjpeg-turbo's TurboJPEG library (Ubuntu's name for Debian's libturbojpeg0): the worker decodes and
# encodes JPEGs with it, about twice as fast as with ImageIO, which it falls back to without it.
RUN apt-get update && apt-get install -y --no-install-recommends libturbojpeg && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home photoqueue && mkdir -p /data && chown photoqueue /data
COPY --from=build /src/worker/target/worker.jar /app/worker.jar
USER photoqueue
ENV DATA_DIR=/data QUEUE_BACKEND=kafka HEALTH_FILE=/tmp/photoqueue-worker.health
# Healthy while at least one worker runs: the process rewrites its health file every 5 s.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD test -f "$HEALTH_FILE" && test $(( $(date +%s) - $(stat -c %Y "$HEALTH_FILE") )) -lt 30 || exit 1
# SIGTERM lets in-flight photos finish within the grace period, then the worker leaves its group.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/worker.jar"]
