#!/usr/bin/env bash
# The docker-compose topology as local processes, for machines without Docker: a real Kafka
# broker (kafka-broker.jar, from this build), the upload API without embedded workers, and N
# worker processes, all on the Kafka backend. Logs and pid files go to one folder.
#
#   scripts/topology.sh up [WORKERS]     start broker, upload API and WORKERS workers (default 2)
#   scripts/topology.sh add-worker       start one more worker
#   scripts/topology.sh kill-worker N    kill -9 worker N (a crash, as the demo shows)
#   scripts/topology.sh status           what runs, by pid file
#   scripts/topology.sh down             stop everything (SIGTERM, then kill after 30 s)
#
# Settings (environment): TOPOLOGY_DIR (./data/topology: logs, pids, blob store, broker data),
# PORT (8080), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093). Build first: mvn -B -q package -DskipTests
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${TOPOLOGY_DIR:-$ROOT/data/topology}"
PORT="${PORT:-8080}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
BROKER_JAR="$ROOT/kafka-broker/target/kafka-broker.jar"
API_JAR="$ROOT/upload-api/target/upload-api.jar"
WORKER_JAR="$ROOT/worker/target/worker.jar"
LOGS="$DIR/logs"
PIDS="$DIR/pids"

die() { echo "topology: $*" >&2; exit 1; }

require_jars() {
    for jar in "$BROKER_JAR" "$API_JAR" "$WORKER_JAR"; do
        [ -f "$jar" ] || die "missing $jar; build first: mvn -B -q package -DskipTests"
    done
}

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

app_env() {
    export QUEUE_BACKEND=kafka KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" DATA_DIR="$DIR/app" HOST=127.0.0.1
}

# 0 when GET http://127.0.0.1:$1$2 answers 200 (bash only: no curl needed).
http_ok() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    local status; IFS=' ' read -r _ status _ <&3 || true
    exec 3<&- 3>&-
    [ "$status" = "200" ]
}

wait_for() { # what, seconds, command...
    local what="$1" seconds="$2"; shift 2
    for _ in $(seq 1 $((seconds * 5))); do
        if "$@" > /dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    die "$what not ready after $seconds s; see $LOGS"
}

start_worker() {
    local n=1
    while [ -f "$PIDS/worker-$n.pid" ] && running "worker-$n"; do n=$((n + 1)); done
    app_env
    WORKERS=1 nohup java -jar "$WORKER_JAR" > "$LOGS/worker-$n.log" 2>&1 &
    echo $! > "$PIDS/worker-$n.pid"
    echo "worker-$n pid $!"
}

up() {
    local workers="${1:-2}"
    require_jars
    mkdir -p "$LOGS" "$PIDS"
    running broker && die "already up (broker pid $(cat "$PIDS/broker.pid")); run: $0 down"
    nohup java -jar "$BROKER_JAR" --data-dir "$DIR/kafka" --port "$KAFKA_PORT" \
        --controller-port "$KAFKA_CONTROLLER_PORT" > "$LOGS/broker.log" 2>&1 &
    echo $! > "$PIDS/broker.pid"
    wait_for "the Kafka broker" 120 grep -q "^ready " "$LOGS/broker.log"
    echo "broker pid $(cat "$PIDS/broker.pid") on 127.0.0.1:$KAFKA_PORT"
    app_env
    PORT="$PORT" WORKERS=0 nohup java -jar "$API_JAR" > "$LOGS/upload-api.log" 2>&1 &
    echo $! > "$PIDS/upload-api.pid"
    wait_for "the upload API" 120 http_ok "$PORT" /readyz
    echo "upload-api pid $(cat "$PIDS/upload-api.pid") on http://127.0.0.1:$PORT"
    for _ in $(seq 1 "$workers"); do start_worker; done
    echo "logs in $LOGS"
}

stop_one() { # name
    local pid
    running "$1" || { rm -f "$PIDS/$1.pid"; return 0; }
    pid="$(cat "$PIDS/$1.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDS/$1.pid"
    echo "stopped $1"
}

down() {
    [ -d "$PIDS" ] || return 0
    for f in "$PIDS"/worker-*.pid; do
        if [ -e "$f" ]; then stop_one "$(basename "$f" .pid)"; fi
    done
    stop_one upload-api
    stop_one broker
}

status() {
    [ -d "$PIDS" ] || { echo "nothing started in $DIR"; return 0; }
    for f in "$PIDS"/*.pid; do
        [ -e "$f" ] || continue
        local name; name="$(basename "$f" .pid)"
        if running "$name"; then echo "$name pid $(cat "$f") running"; else echo "$name stopped"; fi
    done
}

case "${1:-}" in
    up) up "${2:-2}" ;;
    add-worker) require_jars; mkdir -p "$LOGS" "$PIDS"; start_worker ;;
    kill-worker)
        [ -n "${2:-}" ] || die "kill-worker needs a worker number"
        running "worker-$2" || die "worker-$2 is not running"
        kill -KILL "$(cat "$PIDS/worker-$2.pid")"; rm -f "$PIDS/worker-$2.pid"; echo "killed worker-$2 (kill -9)" ;;
    status) status ;;
    down) down ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
