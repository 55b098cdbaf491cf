#!/usr/bin/env bash
# The docker-compose topology as local processes, for machines without Docker: real Kafka brokers
# (kafka-broker.jar, from this build), the upload API without embedded workers, and N worker
# processes, all on the Kafka backend. Logs and pid files go to one folder.
#
#   scripts/topology.sh up [WORKERS] [--brokers B]  start B brokers (1 or 3; default 1), the upload
#                                     API and WORKERS workers (default 2); with 3 brokers every topic
#                                     has 3 copies and a write needs 2 (min.insync.replicas=2)
#   scripts/topology.sh add-worker       start one more worker, under a name never used before
#   scripts/topology.sh kill-worker N    kill -9 worker N (a crash, as the demo shows); its supervisor
#                                     starts it again after RESTART_DELAY seconds (2), as compose's
#                                     restart policy or Kubernetes would, and status counts it
#   scripts/topology.sh kill-broker B    kill -9 broker B
#   scripts/topology.sh start-broker B   start broker B again, on its own data
#   scripts/topology.sh replay G FROM    replay group G from FROM (ISO-8601): stops the workers (Kafka
#                                     moves a group only while it has no members), replays, starts them
#   scripts/topology.sh status           every process started, running or dead, with its log
#   scripts/topology.sh down             stop everything (SIGTERM, then kill after 30 s)
#
# Settings (environment): TOPOLOGY_DIR (./data/topology: logs, pids, blob store, broker data),
# PORT (8080), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093); broker B listens on KAFKA_PORT+2(B-1)
# and its controller on KAFKA_CONTROLLER_PORT+2(B-1). Build first: mvn -B -q package -DskipTests
set -euo pipefail
# a die in $(...) ends the command that used the value too, not only its own subshell
shopt -s inherit_errexit 2>/dev/null || true  # bash 4.4 and later

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
SUPERVISORS="$DIR/supervisors"
RESTART_DELAY="${RESTART_DELAY:-2}"
# written by `up`: how many brokers, and the id every one of them was formatted with
CLUSTER_FILE="$DIR/cluster.properties"

die() { echo "topology: $*" >&2; exit 1; }

require_jars() {
    for jar in "$BROKER_JAR" "$API_JAR" "$WORKER_JAR"; do
        [ -f "$jar" ] || die "missing $jar; build first: mvn -B -q package -DskipTests"
    done
}

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

cluster_value() { # key: a value of cluster.properties
    [ -f "$CLUSTER_FILE" ] || die "no cluster in $DIR; run: $0 up"
    sed -n "s/^$1=//p" "$CLUSTER_FILE"
}

broker_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }

bootstrap_servers() {
    local brokers servers="" b
    brokers="$(cluster_value brokers)"
    for b in $(seq 1 "$brokers"); do servers="${servers:+$servers,}127.0.0.1:$(broker_port "$b")"; done
    echo "$servers"
}

app_env() {
    export QUEUE_BACKEND=kafka KAFKA_BOOTSTRAP_SERVERS="$(bootstrap_servers)" DATA_DIR="$DIR/app" HOST=127.0.0.1
}

# 0 when GET http://127.0.0.1:$1$2 answers 200 (bash only: no curl needed).
http_ok() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    local status; IFS=' ' read -r _ status _ <&3 || true
    exec 3<&- 3>&-
    [ "$status" = "200" ]
}

# POST http://127.0.0.1:$1$2 with the JSON body $3 (bash only); prints the answer, 0 when it is 200.
http_post() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    local auth=""
    [ -n "${ADMIN_TOKEN:-}" ] && auth="Authorization: Bearer $ADMIN_TOKEN"$'\r\n'
    printf 'POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %s\r\n%s\r\n%s' \
        "$2" "${#3}" "$auth" "$3" >&3
    local answer; answer="$(cat <&3)"
    exec 3<&- 3>&-
    echo "${answer##*$'\r\n\r\n'}"
    case "$answer" in "HTTP/1."?" 200 "*) return 0 ;; *) return 1 ;; esac
}

# 0 when a process takes connections on 127.0.0.1:$1 (bash only: no ss or nc needed).
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# Refuses to start on a port another process holds: its readiness would be taken for ours.
require_free_ports() { # brokers
    local b port
    port_taken "$PORT" && die "port $PORT on 127.0.0.1 is in use by another process (the in-house demo," \
        "still running?): stop it, or set PORT"
    for b in $(seq 1 "$1"); do
        for port in "$(broker_port "$b")" "$(controller_port "$b")"; do
            port_taken "$port" && die "port $port on 127.0.0.1 (broker-$b) is in use by another process:" \
                "stop it, or set KAFKA_PORT and KAFKA_CONTROLLER_PORT"
        done
    done
    return 0
}

wait_for() { # what, seconds, command...
    local what="$1" seconds="$2"; shift 2
    for _ in $(seq 1 $((seconds * 5))); do
        if "$@" > /dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    die "$what not ready after $seconds s; see $LOGS"
}

# A new random Kafka cluster id: 16 random bytes in URL-safe base64 without padding (22 characters),
# drawn again when it starts with '-' (as Kafka's own ids never do), so no tool takes it for an option.
new_cluster_id() {
    local id
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22)"
    while [ "${id:0:1}" = "-" ]; do
        id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22)"
    done
    printf '%s\n' "$id"
}

# Starts broker $1 without waiting; its log is appended to, so a restart keeps what came before.
launch_broker() {
    local b="$1" brokers quorum="" v
    brokers="$(cluster_value brokers)"
    running "broker-$b" && die "broker-$b is running (pid $(cat "$PIDS/broker-$b.pid"))"
    local args=(--data-dir "$DIR/kafka-$b" --port "$(broker_port "$b")" --controller-port "$(controller_port "$b")")
    if [ "$brokers" -gt 1 ]; then
        for v in $(seq 1 "$brokers"); do quorum="${quorum:+$quorum,}$v@127.0.0.1:$(controller_port "$v")"; done
        args+=(--node-id "$b" --controller-quorum "$quorum" --cluster-id "$(cluster_value cluster_id)")
    fi
    echo "--- $(date -u +%FT%TZ) starting broker-$b" >> "$LOGS/broker-$b.log"
    nohup java -jar "$BROKER_JAR" "${args[@]}" >> "$LOGS/broker-$b.log" 2>&1 &
    echo $! > "$PIDS/broker-$b.pid"
}

# 0 once broker $1 has printed `ready` since its latest start
broker_ready() { awk '/^--- .* starting broker-/ { r = 0 } /^ready / { r = 1 } END { exit !r }' "$LOGS/broker-$1.log"; }

# The next worker number: one more than any worker ever started here, so that no log is reused.
next_worker() {
    local n=0 f m
    for f in "$PIDS"/worker-*.pid "$LOGS"/worker-*.log; do
        [ -e "$f" ] || continue
        m="$(basename "$f")"; m="${m#worker-}"; m="${m%.*}"
        [ "$m" -gt "$n" ] && n="$m"
    done
    echo $((n + 1))
}

# Worker N's supervisor: runs worker.jar and, whenever it dies without being asked to stop (kill -9,
# a chaos crash of the process), starts it again after RESTART_DELAY seconds under the same worker
# id, so that its transactional ids fence what the dead one left open. The pid file holds the
# worker's pid; a stop file ends the loop (down).
supervise_worker() { # n
    local n="$1" restarts=0 status pid
    while [ ! -e "$SUPERVISORS/worker-$n.stop" ]; do
        WORKERS=1 PQ_WORKER_ID="worker-$n" java -jar "$WORKER_JAR" >> "$LOGS/worker-$n.log" 2>&1 &
        pid=$!
        echo "$pid" > "$PIDS/worker-$n.pid"
        if wait "$pid"; then status=0; else status=$?; fi
        [ -e "$SUPERVISORS/worker-$n.stop" ] && break
        restarts=$((restarts + 1))
        echo "$restarts" > "$SUPERVISORS/worker-$n.restarts"
        echo "topology: worker-$n (pid $pid) exited with status $status; starting it again in ${RESTART_DELAY} s" \
            "(restart $restarts)" >> "$LOGS/worker-$n.log"
        sleep "$RESTART_DELAY"
    done
}

start_worker() { # [n]: worker n again (replay), else a new one
    local n="${1:-}"
    [ -n "$n" ] || n="$(next_worker)"
    app_env
    mkdir -p "$SUPERVISORS"
    rm -f "$SUPERVISORS/worker-$n.stop" "$SUPERVISORS/worker-$n.restarts"
    [ -n "${1:-}" ] || : > "$LOGS/worker-$n.log"
    ( trap '' HUP; supervise_worker "$n" ) > /dev/null 2>&1 &
    echo $! > "$SUPERVISORS/worker-$n.pid"
    for _ in $(seq 1 50); do [ -s "$PIDS/worker-$n.pid" ] && break; sleep 0.1; done
    echo "worker-$n pid $(cat "$PIDS/worker-$n.pid" 2>/dev/null || echo '?'), supervised"
}

up() {
    local workers=2 brokers=1 b
    while [ $# -gt 0 ]; do
        case "$1" in
            --brokers) [ -n "${2:-}" ] || die "--brokers needs a number (1 or 3)"; brokers="$2"; shift 2 ;;
            *[!0-9]*|'') die "up: unknown argument '$1'; usage: $0 up [WORKERS] [--brokers 1|3]" ;;
            *) workers="$1"; shift ;;
        esac
    done
    case "$brokers" in 1|3) ;; *) die "--brokers must be 1 or 3 (a quorum needs a majority), was '$brokers'" ;; esac
    for f in "$PIDS"/*.pid; do
        [ -e "$f" ] || continue
        running "$(basename "$f" .pid)" && die "already up ($(basename "$f" .pid) pid $(cat "$f")); run: $0 down"
    done
    if [ -f "$CLUSTER_FILE" ] && [ "$(cluster_value brokers)" != "$brokers" ]; then
        die "$DIR holds a cluster of $(cluster_value brokers) broker(s), not $brokers: remove it" \
            "(rm -r $DIR; its records go with it) or set another TOPOLOGY_DIR for every command"
    fi
    require_free_ports "$brokers"
    require_jars
    mkdir -p "$LOGS" "$PIDS"
    [ -f "$CLUSTER_FILE" ] || printf 'brokers=%s\ncluster_id=%s\n' "$brokers" "$(new_cluster_id)" > "$CLUSTER_FILE"
    # all brokers at once: with three, none is ready before a majority of the quorum runs
    for b in $(seq 1 "$brokers"); do launch_broker "$b"; done
    for b in $(seq 1 "$brokers"); do
        wait_for "broker-$b" 180 broker_ready "$b"
        echo "broker-$b pid $(cat "$PIDS/broker-$b.pid") on 127.0.0.1:$(broker_port "$b")"
    done
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
    local f name
    for f in "$PIDS"/worker-*.pid; do
        [ -e "$f" ] || continue
        name="$(basename "$f" .pid)"
        stop_worker "${name#worker-}"
    done
    stop_one upload-api
    for f in "$PIDS"/broker-*.pid; do
        if [ -e "$f" ]; then stop_one "$(basename "$f" .pid)"; fi
    done
}

# kill -9 of a process by name; its pid file stays, so that status shows it dead
kill_one() { # name
    running "$1" || die "$1 is not running"
    kill -KILL "$(cat "$PIDS/$1.pid")"
    echo "killed $1 (kill -9)"
}

status() {
    [ -d "$PIDS" ] || { echo "nothing started in $DIR"; return 0; }
    local f name where
    for f in "$PIDS"/*.pid; do
        [ -e "$f" ] || continue
        name="$(basename "$f" .pid)"
        case "$name" in
            broker-*) where=" 127.0.0.1:$(broker_port "${name#broker-}")" ;;
            upload-api) where=" http://127.0.0.1:$PORT" ;;
            worker-*) where=", restarted $(cat "$SUPERVISORS/$name.restarts" 2>/dev/null || echo 0) times" ;;
            *) where="" ;;
        esac
        if running "$name"; then
            echo "$name pid $(cat "$f") running$where, log $LOGS/$name.log"
        else
            echo "$name pid $(cat "$f") DEAD$where, log $LOGS/$name.log"
        fi
    done
}

# Stops worker n for good: its supervisor does not start it again.
stop_worker() { # n
    local name="worker-$1"
    mkdir -p "$SUPERVISORS" && touch "$SUPERVISORS/$name.stop"
    stop_one "$name"
    if [ -f "$SUPERVISORS/$name.pid" ]; then
        kill -TERM "$(cat "$SUPERVISORS/$name.pid")" 2>/dev/null || true
        rm -f "$SUPERVISORS/$name.pid"
    fi
}

# Replays GROUP from FROM: Kafka moves a group's positions only while it has no members, so the
# running workers are stopped first (SIGTERM: each finishes the job in hand and leaves the group),
# the upload API replays, and the same workers start again, with WORKER_VERSION as this shell has it
# (a deployment of a fix: WORKER_VERSION=v3 scripts/topology.sh replay thumbnailers <start of v2>).
replay() { # group from
    [ -n "${1:-}" ] && [ -n "${2:-}" ] \
        || die "replay needs a group and an ISO-8601 time, e.g. replay thumbnailers 2026-01-31T12:00:00Z"
    local f n stopped=()
    for f in "$PIDS"/worker-*.pid; do
        [ -e "$f" ] || continue
        n="$(basename "$f" .pid)"; n="${n#worker-}"
        running "worker-$n" || continue
        stop_worker "$n"
        stopped+=("$n")
    done
    local answer status=0
    answer="$(http_post "$PORT" /api/replay "{\"group\":\"$1\",\"from\":\"$2\"}")" || status=$?
    echo "replay: $answer"
    for n in "${stopped[@]}"; do start_worker "$n"; done
    [ "$status" = 0 ] || die "the replay was refused; the workers run again"
}

broker_number() { # the argument of kill-broker / start-broker, checked
    local brokers; brokers="$(cluster_value brokers)"
    case "${1:-}" in
        ''|*[!0-9]*) die "$2 needs a broker number, 1 to $brokers" ;;
    esac
    [ "$1" -ge 1 ] && [ "$1" -le "$brokers" ] || die "no broker $1: the cluster has brokers 1 to $brokers"
    echo "$1"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    add-worker) require_jars; mkdir -p "$LOGS" "$PIDS"; start_worker ;;
    kill-worker)
        [ -n "${2:-}" ] || die "kill-worker needs a worker number"
        kill_one "worker-$2" ;;
    kill-broker) b="$(broker_number "${2:-}" kill-broker)"; kill_one "broker-$b" ;;
    start-broker)
        b="$(broker_number "${2:-}" start-broker)"
        launch_broker "$b"
        wait_for "broker-$b" 180 broker_ready "$b"
        echo "broker-$b pid $(cat "$PIDS/broker-$b.pid") on 127.0.0.1:$(broker_port "$b")" ;;
    replay) require_jars; replay "${2:-}" "${3:-}" ;;
    status) status ;;
    down) down ;;
    *) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
