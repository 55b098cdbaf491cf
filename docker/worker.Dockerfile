# A thumbnail worker process (Kafka backend). Build context: the repository root.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl worker -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --create-home photoqueue && mkdir -p /data && chown photoqueue /data
COPY --from=build /src/worker/target/worker.jar /app/worker.jar
USER photoqueue
ENV DATA_DIR=/data QUEUE_BACKEND=kafka HEALTH_FILE=/tmp/photoqueue-worker.health
# Healthy while at least one worker runs: the process rewrites its health file every 5 s.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD test -f "$HEALTH_FILE" && test $(( $(date +%s) - $(stat -c %Y "$HEALTH_FILE") )) -lt 30 || exit 1
# SIGTERM lets in-flight photos finish within the grace period, then the worker leaves its group.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/worker.jar"]
