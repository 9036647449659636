#!/usr/bin/env bash
# Starts/stops the local infrastructure (no Docker) as background daemons:
#
#   deploy/local/infra.sh {start|stop|status|restart} [kafka|store|redis|mailpit|prometheus|jaeger ...]
#
# With no component named, acts on the four the mesh needs, plus Prometheus and Jaeger when
# EXPE_OBSERVED=1 (the observability profile); `stop` stops every one that runs. Binaries come
# from deploy/local/install.sh.
#
# Environment (defaults in brackets); relative EXPE_DATA_DIR is taken from the repo root:
#   EXPE_DATA_DIR               [<repo>/.data/run]  data in <dir>/<component>/, logs in <dir>/logs/,
#                                                   pid files in <dir>/pids/
#   EXPE_KAFKA_PORT             [9092]   Kafka client listener (PLAINTEXT)
#   EXPE_KAFKA_CONTROLLER_PORT  [9093]   KRaft controller listener
#   EXPE_STORE_PORT             [27017]  MongoDB wire protocol (the local store)
#   EXPE_STORE_HEAP             [1g]     the store's JVM heap (its data lives in the heap's cache
#                                        and the file; 1g holds a few hundred thousand payments)
#   EXPE_STORE_JAVA_OPTS        []       more JVM options for the store, e.g. a flight recording:
#                                        -XX:StartFlightRecording=filename=store.jfr
#   EXPE_REDIS_PORT             [6379]
#   EXPE_MAILPIT_SMTP_PORT      [1025]
#   EXPE_MAILPIT_HTTP_PORT      [8025]   web UI + API
#   EXPE_OBSERVED               [0]      1: also start Prometheus and Jaeger
#   EXPE_PROMETHEUS_PORT        [9090]   Prometheus' UI and API
#   EXPE_SCRAPE_INTERVAL        [5s]     how often Prometheus scrapes each process
#   EXPE_JAEGER_UI_PORT         [16686]  Jaeger's query API (and UI page)
#   EXPE_JAEGER_GRPC_PORT       [16685]  Jaeger's query API over gRPC
#   EXPE_JAEGER_OTLP_PORT       [4318]   OTLP/HTTP, where the processes send their spans
#   EXPE_JAEGER_HEALTH_PORT     [13133]  Jaeger's health check
#   EXPE_START_TIMEOUT          [90]     seconds to wait for a component to answer
#   EXPE_STOP_TIMEOUT           [30]     seconds to wait after SIGTERM before SIGKILL
# Every listener binds to 127.0.0.1, and every port is configurable, so two instances (say dev and
# test) can run side by side when given distinct ports and data dirs.
set -Eeuo pipefail

# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DATA_DIR="${EXPE_DATA_DIR:-.data/run}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$EXPE_REPO/$DATA_DIR"
LOG_DIR="$DATA_DIR/logs"
PID_DIR="$DATA_DIR/pids"

KAFKA_PORT="${EXPE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${EXPE_KAFKA_CONTROLLER_PORT:-9093}"
STORE_PORT="${EXPE_STORE_PORT:-27017}"
STORE_HEAP="${EXPE_STORE_HEAP:-1g}"
REDIS_PORT="${EXPE_REDIS_PORT:-6379}"
MAILPIT_SMTP_PORT="${EXPE_MAILPIT_SMTP_PORT:-1025}"
MAILPIT_HTTP_PORT="${EXPE_MAILPIT_HTTP_PORT:-8025}"
OBSERVED="${EXPE_OBSERVED:-0}"
PROMETHEUS_PORT="${EXPE_PROMETHEUS_PORT:-9090}"
SCRAPE_INTERVAL="${EXPE_SCRAPE_INTERVAL:-5s}"
JAEGER_UI_PORT="${EXPE_JAEGER_UI_PORT:-16686}"
JAEGER_GRPC_PORT="${EXPE_JAEGER_GRPC_PORT:-16685}"
JAEGER_OTLP_PORT="${EXPE_JAEGER_OTLP_PORT:-4318}"
JAEGER_HEALTH_PORT="${EXPE_JAEGER_HEALTH_PORT:-13133}"
START_TIMEOUT="${EXPE_START_TIMEOUT:-90}"
STOP_TIMEOUT="${EXPE_STOP_TIMEOUT:-30}"

ALL_COMPONENTS=(kafka store redis mailpit)
OBSERVABILITY_COMPONENTS=(prometheus jaeger)
KNOWN_COMPONENTS=("${ALL_COMPONENTS[@]}" "${OBSERVABILITY_COMPONENTS[@]}")
HOST=127.0.0.1

# ---------------------------------------------------------------------------------------------
# Generic helpers

die() { echo "infra.sh: $*" >&2; exit 1; }

port_open() {  # port_open PORT: true when something accepts TCP connections on it
  timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# pid_alive PID: alive and not a zombie (a daemon we started in this same invocation stays a
# zombie child until reaped, and `kill -0` would still succeed on it).
pid_alive() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# running_pid COMPONENT: print the pid of our running daemon. The cmdline check guards against a
# stale pid file whose pid was reused by an unrelated process.
running_pid() {
  local c=$1 pid cmdline
  [[ -f "$PID_DIR/$c.pid" ]] || return 1
  pid="$(<"$PID_DIR/$c.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$("${c}_marker")"* ]] || return 1
  echo "$pid"
}

port_hint() {  # the usual culprit for a taken default port
  [[ "$1" == redis ]] && echo " (a system redis? try: systemctl disable --now redis-server)"
  return 0
}

log_tail() {  # print the end of a component's log, for failure messages
  echo "---- last 40 lines of $LOG_DIR/$1.log ----" >&2
  tail -n 40 "$LOG_DIR/$1.log" >&2 2>/dev/null || true
  echo "----" >&2
}

# ---------------------------------------------------------------------------------------------
# Components. Each defines:
#   <c>_marker   string that must appear in the daemon's /proc cmdline
#   <c>_ports    the ports it listens on (checked free before start)
#   <c>_prepare  one-time/every-start setup of its data dir and config files
#   <c>_command  sets the CMD array to the foreground command line
#   <c>_ready    probe: true once it really serves requests

# --- Kafka: single KRaft node acting as broker and controller.
KAFKA_DIR() { echo "$DATA_DIR/kafka"; }
kafka_marker() { echo "kafka.Kafka $(KAFKA_DIR)/server.properties"; }
kafka_ports() { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }

kafka_jvm() {  # sets JVM to the java command line shared by the broker and StorageTool
  JVM=(java -Xms256m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$(KAFKA_DIR)/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}
kafka_java() { kafka_jvm; "${JVM[@]}" "$@"; }  # kafka_java MAIN ARGS...

kafka_write_config() {
  local dir
  dir="$(KAFKA_DIR)"
  # Rewritten on every start so that port changes in the environment take effect.
  # controller.quorum.voters (a static quorum) rather than the dynamic --standalone bootstrap:
  # the voter address then lives only here, so it can change without reformatting.
  cat >"$dir/server.properties" <<EOF
# Generated by deploy/local/infra.sh on each start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data

# Dev box: one node, so every internal topic has replication factor 1.
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer internal partitions than the default 50 make the first group join / transaction faster.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
# Consumers join immediately instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
EOF
  # Console appender: stdout is redirected to logs/kafka.log, so there is a single writer.
  # Root at WARN keeps the log short; startup/shutdown and group rebalances stay visible.
  cat >"$dir/log4j2.properties" <<'EOF'
# Generated by deploy/local/infra.sh on each start; edits are overwritten.
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = INFO
logger.group.name = org.apache.kafka.coordinator.group
logger.group.level = INFO
EOF
}

# A Kafka Uuid is 16 random bytes in URL-safe base64 without padding, which is what
# `StorageTool random-uuid` prints; done here to save a JVM start on every fresh data dir.
# Kafka never hands out ids starting with "-" (they read as CLI options), so neither do we.
kafka_random_uuid() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" != -* ]] && break
  done
  echo "$id"
}

kafka_prepare() {
  local dir
  dir="$(KAFKA_DIR)"
  [[ -d "$KAFKA_LIBS" ]] || die "kafka jars missing in $KAFKA_LIBS; run deploy/local/install.sh"
  mkdir -p "$dir/data"
  kafka_write_config
  # The cluster id is generated once and kept, so the storage is formatted exactly once;
  # meta.properties is what StorageTool writes when formatting succeeded.
  if [[ ! -s "$dir/cluster.id" ]]; then
    kafka_random_uuid >"$dir/cluster.id.tmp"
    mv "$dir/cluster.id.tmp" "$dir/cluster.id"
  fi
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    kafka_java kafka.tools.StorageTool format --ignore-formatted \
      -t "$(<"$dir/cluster.id")" -c "$dir/server.properties" >>"$LOG_DIR/kafka.log" 2>&1 \
      || { log_tail kafka; die "kafka: StorageTool format failed"; }
  fi
}

kafka_command() {
  kafka_jvm
  CMD=("${JVM[@]}" kafka.Kafka "$(KAFKA_DIR)/server.properties")
}

# An open port is not enough: the socket binds early but requests are served only once the
# broker has caught up with the metadata log and is unfenced, which is when KafkaRaftServer logs
# "Kafka Server started". Only log lines written since our start count (offset saved at launch).
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  local pos=0
  [[ -f "$PID_DIR/kafka.logpos" ]] && pos="$(<"$PID_DIR/kafka.logpos")"
  # (Process substitution, not a pipe: `tail | grep -q` can SIGPIPE tail and trip pipefail.)
  grep -q "Kafka Server started" < <(tail -c "+$((pos + 1))" "$LOG_DIR/kafka.log")
}

# --- The store: mongo-java-server on an H2 MVStore file, committed before each write is
# acknowledged (deploy/local/store/src/ExpeStore.java says how).
store_marker() { echo "ExpeStore $HOST $STORE_PORT"; }
store_ports() { echo "$STORE_PORT"; }
store_prepare() {
  [[ -d "$STORE_CLASSES" ]] || die "store missing in $STORE_HOME; run deploy/local/install.sh"
  mkdir -p "$DATA_DIR/store"
}
store_command() {
  # slf4j-simple logs to stderr (the log file); at warn it says nothing in normal operation.
  # shellcheck disable=SC2206  # EXPE_STORE_JAVA_OPTS is a list of words
  CMD=(java -Xms256m "-Xmx$STORE_HEAP" -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
    -Dorg.slf4j.simpleLogger.showDateTime=true
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.MongoServer=info
    ${EXPE_STORE_JAVA_OPTS:-}
    -cp "$STORE_LIBS/*:$STORE_CLASSES"
    ExpeStore "$HOST" "$STORE_PORT" "$DATA_DIR/store/expe.mv")
}
# The launcher opens the data file before it binds, so an open port means it serves requests.
store_ready() { port_open "$STORE_PORT"; }

# --- Redis: in the foreground (we daemonize it ourselves), RDB snapshots in its data dir.
redis_marker() { echo "redis-server"; }
redis_ports() { echo "$REDIS_PORT"; }
redis_prepare() {
  command -v redis-server >/dev/null || die "redis-server not on PATH; run deploy/local/install.sh"
  mkdir -p "$DATA_DIR/redis"
}
redis_command() {
  CMD=(redis-server --port "$REDIS_PORT" --bind "$HOST" --dir "$DATA_DIR/redis"
    --daemonize no --logfile "" --unixsocket "")
}
redis_ready() { [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

# --- Mailpit: SMTP sink + web UI/API. Any SMTP credentials are accepted (local use only).
mailpit_marker() { echo "mailpit"; }
mailpit_ports() { echo "$MAILPIT_SMTP_PORT $MAILPIT_HTTP_PORT"; }
mailpit_prepare() {
  [[ -x "$EXPE_BIN/mailpit" ]] || die "mailpit missing in $EXPE_BIN; run deploy/local/install.sh"
  mkdir -p "$DATA_DIR/mailpit"
}
mailpit_command() {
  # POP3 and Prometheus listeners stay off (they are only enabled by their own flags).
  CMD=("$EXPE_BIN/mailpit"
    --smtp "$HOST:$MAILPIT_SMTP_PORT"
    --listen "$HOST:$MAILPIT_HTTP_PORT"
    --database "$DATA_DIR/mailpit/mailpit.db"
    --smtp-auth-accept-any --smtp-auth-allow-insecure
    --disable-version-check)
}
mailpit_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://$HOST:$MAILPIT_HTTP_PORT/api/v1/info" 2>/dev/null
}

# --- Prometheus: scrapes every process of the profile, with the repository's rules loaded. The
# targets are a file the processes' launcher (devstack) writes as it starts them, so Prometheus
# follows whichever processes run, and this script needs no list of them.
PROMETHEUS_DIR() { echo "$DATA_DIR/prometheus"; }
prometheus_marker() { echo "prometheus --config.file=$(PROMETHEUS_DIR)/prometheus.yml"; }
prometheus_ports() { echo "$PROMETHEUS_PORT"; }
prometheus_prepare() {
  command -v prometheus >/dev/null || die "prometheus not on PATH; run deploy/local/install.sh"
  local dir
  dir="$(PROMETHEUS_DIR)"
  mkdir -p "$dir/data"
  [[ -f "$dir/targets.json" ]] || echo '[]' >"$dir/targets.json"
  cat >"$dir/prometheus.yml" <<EOF
# Generated by deploy/local/infra.sh on each start; edits are overwritten.
global:
  scrape_interval: $SCRAPE_INTERVAL
  evaluation_interval: $SCRAPE_INTERVAL
  # The alerts' runbook links lead to the guides this profile's gateway serves.
  external_labels:
    expe_guides_url: http://localhost:${EXPE_SERVICE_PORT_BASE:-8000}/guides
rule_files:
  - $EXPE_REPO/observability/prometheus/rules/*.yml
scrape_configs:
  - job_name: expe
    file_sd_configs:
      - files: [$dir/targets.json]
        refresh_interval: 1s
  - job_name: prometheus
    static_configs:
      - targets: ["$HOST:$PROMETHEUS_PORT"]
EOF
}
prometheus_command() {
  CMD=(prometheus --config.file="$(PROMETHEUS_DIR)/prometheus.yml"
    --storage.tsdb.path="$(PROMETHEUS_DIR)/data" --storage.tsdb.retention.time=2d
    --web.listen-address="$HOST:$PROMETHEUS_PORT" --web.enable-lifecycle)
}
prometheus_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://$HOST:$PROMETHEUS_PORT/-/ready" 2>/dev/null
}

# --- Jaeger: receives every process's spans over OTLP/HTTP and keeps them in memory; its query
# API answers /api/traces. The listeners are set here, so two profiles can each run one.
jaeger_marker() { echo "--set=receivers.otlp.protocols.http.endpoint=$HOST:$JAEGER_OTLP_PORT"; }
jaeger_ports() { echo "$JAEGER_UI_PORT $JAEGER_GRPC_PORT $JAEGER_OTLP_PORT $JAEGER_HEALTH_PORT"; }
jaeger_prepare() {
  [[ -x "$JAEGER_BIN" ]] || die "jaeger missing in $EXPE_BIN; run deploy/local/install.sh"
}
jaeger_command() {
  CMD=("$JAEGER_BIN" --config="file:$EXPE_REPO/deploy/local/jaeger/config.yaml"
    "--set=receivers.otlp.protocols.http.endpoint=$HOST:$JAEGER_OTLP_PORT"
    "--set=extensions.jaeger_query.http.endpoint=$HOST:$JAEGER_UI_PORT"
    "--set=extensions.jaeger_query.grpc.endpoint=$HOST:$JAEGER_GRPC_PORT"
    "--set=extensions.healthcheckv2.http.endpoint=$HOST:$JAEGER_HEALTH_PORT")
}
jaeger_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://$HOST:$JAEGER_UI_PORT/api/services" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Actions

# wait_ready COMPONENT PID: poll the readiness probe; on death or timeout show the log and fail.
wait_ready() {
  local c=$1 pid=$2 t0=$SECONDS
  until "${c}_ready"; do
    if ! pid_alive "$pid"; then
      log_tail "$c"
      rm -f "$PID_DIR/$c.pid"
      die "$c: exited during startup (see $LOG_DIR/$c.log)"
    fi
    if ((SECONDS - t0 >= START_TIMEOUT)); then
      log_tail "$c"
      stop_one "$c" >&2
      die "$c: not answering after ${START_TIMEOUT}s (see $LOG_DIR/$c.log)"
    fi
    sleep 0.3
  done
}

start_one() {
  local c=$1 pid port t0=$SECONDS
  if pid="$(running_pid "$c")"; then
    wait_ready "$c" "$pid"
    echo "$c: already running (pid $pid)"
    return
  fi
  # A port already taken means another instance (or a system service) owns it: refuse rather
  # than start a daemon that dies or, worse, talk to the wrong server.
  for port in $("${c}_ports"); do
    if port_open "$port"; then
      die "$c: port $HOST:$port is already in use by another process$(port_hint "$c")"
    fi
  done
  mkdir -p "$LOG_DIR" "$PID_DIR"
  local log="$LOG_DIR/$c.log"
  touch "$log"
  "${c}_prepare"
  "${c}_command"
  echo "=== $(date -Is) infra.sh starting $c: ${CMD[*]}" >>"$log"
  stat -c %s "$log" >"$PID_DIR/$c.logpos"
  # setsid: own session, so the daemon survives the caller's terminal and Ctrl-C.
  # (It execs in place here, so $! is the daemon's pid.)
  setsid "${CMD[@]}" >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_DIR/$c.pid"
  wait_ready "$c" "$pid"
  echo "$c: started (pid $pid, ports $(echo $("${c}_ports"))) in $((SECONDS - t0))s"
}

stop_one() {
  local c=$1 pid t0=$SECONDS
  if ! pid="$(running_pid "$c")"; then
    rm -f "$PID_DIR/$c.pid"
    echo "$c: not running"
    return
  fi
  # SIGTERM lets Kafka run its controlled shutdown (flushes logs, writes the clean-shutdown
  # marker) so the next start on the same data is fast and loses nothing.
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" && ((SECONDS - t0 < STOP_TIMEOUT)); do
    sleep 0.2
  done
  if pid_alive "$pid"; then
    echo "$c: still running after ${STOP_TIMEOUT}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_DIR/$c.pid"
  echo "$c: stopped (pid $pid) in $((SECONDS - t0))s"
}

status_one() {  # returns non-zero when the component is down
  local c=$1 pid
  if ! pid="$(running_pid "$c")"; then
    printf '%-10s stopped\n' "$c"
    return 1
  fi
  if ! "${c}_ready"; then
    printf '%-10s NOT ANSWERING (pid %s, ports %s)\n' "$c" "$pid" "$(echo $("${c}_ports"))"
    return 1
  fi
  printf '%-10s running (pid %s, ports %s)\n' "$c" "$pid" "$(echo $("${c}_ports"))"
}

usage() {
  echo "usage: $0 {start|stop|status|restart} [kafka|store|redis|mailpit|prometheus|jaeger ...]" >&2
  exit 2
}

main() {
  (($# >= 1)) || usage
  local action=$1 c rc=0
  shift
  local components=("$@")
  if ((${#components[@]} == 0)); then
    components=("${ALL_COMPONENTS[@]}")
    if [[ "$OBSERVED" == 1 ]]; then
      components+=("${OBSERVABILITY_COMPONENTS[@]}")
    elif [[ "$action" == stop ]]; then
      # What an observed run started is stopped too, whether or not this stop says so.
      for c in "${OBSERVABILITY_COMPONENTS[@]}"; do
        if running_pid "$c" >/dev/null; then components+=("$c"); fi
      done
    fi
  fi
  for c in "${components[@]}"; do
    [[ " ${KNOWN_COMPONENTS[*]} " == *" $c "* ]] || die "unknown component '$c' (known: ${KNOWN_COMPONENTS[*]})"
  done

  case "$action" in
    start)
      for c in "${components[@]}"; do start_one "$c"; done ;;
    stop)
      for c in "${components[@]}"; do stop_one "$c"; done ;;
    restart)
      for c in "${components[@]}"; do stop_one "$c"; done
      for c in "${components[@]}"; do start_one "$c"; done ;;
    status)
      for c in "${components[@]}"; do status_one "$c" || rc=1; done
      return "$rc" ;;
    *) usage ;;
  esac
}

# `; exit` on the same line: bash never reads past it, so editing this file while it runs is safe.
main "$@"; exit
