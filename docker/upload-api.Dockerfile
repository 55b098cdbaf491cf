# The upload API and dashboard. Build context: the repository root.
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
RUN mvn -B -q -Dmaven.repo.local=/m2 -pl upload-api -am dependency:go-offline -DexcludeGroupIds=dev.photoqueue
# Then the sources (and the sample photos the dashboard serves), built offline from that layer.
COPY queue-core/src queue-core/src
COPY worker/src worker/src
COPY upload-api/src upload-api/src
COPY sample-images sample-images
RUN mvn -B -q -o -Dmaven.repo.local=/m2 -pl upload-api -am package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre
# curl for the health check; libjpeg-turbo's TurboJPEG library (Ubuntu's name for Debian's libturbojpeg0)
# for the embedded workers' JPEGs, which fall back to ImageIO without it.
RUN apt-get update && apt-get install -y --no-install-recommends curl libturbojpeg && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home photoqueue && mkdir -p /data && chown photoqueue /data
COPY --from=build /src/upload-api/target/upload-api.jar /app/upload-api.jar
USER photoqueue
ENV HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
EXPOSE 8080
# Ready means the queue backend answers: /readyz is 503 while Kafka is unreachable.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
    CMD curl -fsS http://localhost:8080/readyz > /dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/upload-api.jar"]
