#!/usr/bin/env bash
# Starts a real single-node Kafka broker (KRaft: broker and controller in one process) on this
# machine from the project's own build: the kafka_2.13 jar Maven already resolved for the tests,
# no download and no Docker. Listens on localhost:9092 (KAFKA_PORT to change); data in
# ${KAFKA_DIR:-target/local-kafka} (kept between runs; delete it to start empty). Ctrl-C stops it.
#
#   scripts/local-kafka.sh &
#   java -jar queue-core/target/pq.jar topics --bootstrap-server localhost:9092
set -euo pipefail
cd "$(dirname "$0")/.."

port="${KAFKA_PORT:-9092}"
controller_port=$((port + 1))
dir="$(mkdir -p "${KAFKA_DIR:-target/local-kafka}" && cd "${KAFKA_DIR:-target/local-kafka}" && pwd)"

if [ ! -s "$dir/classpath" ]; then
  mvn -B -q -pl queue-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$dir/classpath"
fi
classpath="$(cat "$dir/classpath")"

cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$controller_port
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.consumer.heartbeat.interval.ms=1000
group.consumer.min.heartbeat.interval.ms=500
PROPS

if [ ! -f "$dir/data/meta.properties" ]; then
  cluster_id="$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)"
  java -cp "$classpath" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$dir/server.properties"
fi
echo "Kafka on localhost:$port, data in $dir/data" >&2
exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" kafka.Kafka "$dir/server.properties"
