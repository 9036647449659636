#!/usr/bin/env bash
# Installs the local (Docker-free) infrastructure into the cache folder ${EXPE_HOME:-~/.cache/expe}:
#   kafka     - broker jars resolved by Maven from deploy/local/kafka/pom.xml
#   store     - mongo-java-server jars resolved by Maven from deploy/local/store/pom.xml, and the
#               launcher in deploy/local/store/src compiled against them
#   openapi-generator - its command-line jar resolved by Maven from deploy/local/codegen/pom.xml
#   mailpit, vegeta, actionlint - `go install` into $EXPE_HOME/bin
#   jaeger    - built from deploy/local/jaeger/go.mod into $EXPE_HOME/bin (the observability
#               profile's trace store and query API)
#   redis, prometheus, shellcheck - the Debian packages, only when missing from PATH
#               (their system services are then disabled: infra.sh runs its own instances)
# Idempotent: each component is skipped when its version stamp matches. Safe to run concurrently
# (a lock serialises runs).
set -Eeuo pipefail

# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Any unexpected failure names the command that failed.
trap 'rc=$?; echo "install.sh: FAILED (exit $rc): $BASH_COMMAND" >&2; exit $rc' ERR

# run CMD...: run a command; on failure print it fully expanded and abort.
run() {
  local rc=0
  "$@" || rc=$?
  if ((rc != 0)); then
    trap - ERR
    echo "install.sh: FAILED (exit $rc): $*" >&2
    exit "$rc"
  fi
}

# run_logged LOG CMD...: like run, but the command's output goes to LOG, shown only on failure.
run_logged() {
  local log=$1 rc=0
  shift
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    trap - ERR
    tail -n 40 "$log" >&2
    echo "install.sh: FAILED (exit $rc): $* (full output: $log)" >&2
    exit "$rc"
  fi
}

need() {  # need TOOL HINT: abort early with a hint instead of failing half-way
  command -v "$1" >/dev/null 2>&1 || { echo "install.sh: '$1' not found on PATH ($2)" >&2; exit 1; }
}

# install_maven_jars LABEL HOME POM LIBS: the runtime jars POM resolves from Maven Central, copied
# into LIBS; skipped while HOME's stamp holds the pom's hash, so any pom edit re-copies them.
install_maven_jars() {
  local label=$1 home=$2 pom=$3 libs=$4 stamp="$2/.installed" pom_hash
  pom_hash="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -d "$libs" && -f "$stamp" && "$(cat "$stamp")" == "$pom_hash" ]]; then
    echo "$label: cached"
    return
  fi
  echo "$label: installing jars into $libs ..."
  need java "install openjdk-17-jre-headless"
  need mvn "install maven"
  # Copy into a scratch folder first so an interrupted copy never looks complete.
  local tmp="$home/libs.tmp"
  rm -rf "$tmp"
  mkdir -p "$home"
  run_logged "$home/mvn.log" mvn -B -Dstyle.color=never -f "$pom" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp"
  rm -rf "$libs"
  mv "$tmp" "$libs"
  echo "$pom_hash" >"$stamp"
}

install_kafka() {
  install_maven_jars "kafka $KAFKA_VERSION" "$KAFKA_HOME" "$KAFKA_POM" "$KAFKA_LIBS"
}

install_store() {
  local label="store (mongo-java-server $STORE_VERSION)" stamp="$STORE_HOME/.installed" hash
  # The stamp holds the hash of the pom and the launcher source: an edit to either rebuilds.
  hash="$(cat "$STORE_POM" "$STORE_SRC"/*.java | sha256sum | cut -d' ' -f1)"
  if [[ -d "$STORE_LIBS" && -d "$STORE_CLASSES" && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    echo "$label: cached"
    return
  fi
  echo "$label: installing jars into $STORE_LIBS and compiling the launcher ..."
  need java "install openjdk-17-jre-headless"
  need javac "install openjdk-17-jdk-headless"
  need mvn "install maven"
  local libs="$STORE_HOME/libs.tmp" classes="$STORE_HOME/classes.tmp"
  rm -rf "$libs" "$classes"
  mkdir -p "$STORE_HOME"
  run_logged "$STORE_HOME/mvn.log" mvn -B -Dstyle.color=never -f "$STORE_POM" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
  run_logged "$STORE_HOME/javac.log" javac -Xlint:all -Werror -cp "$libs/*" -d "$classes" \
    "$STORE_SRC"/*.java
  rm -rf "$STORE_LIBS" "$STORE_CLASSES"
  mv "$libs" "$STORE_LIBS"
  mv "$classes" "$STORE_CLASSES"
  echo "$hash" >"$stamp"
}

install_openapi_generator() {
  install_maven_jars "openapi-generator $OPENAPI_GENERATOR_VERSION" "$OPENAPI_GENERATOR_HOME" \
    "$OPENAPI_GENERATOR_POM" "$OPENAPI_GENERATOR_LIBS"
}

# go_tool_cached NAME: true when the binary exists and its stamp holds the pinned version.
go_tool_cached() {
  local bin="$EXPE_BIN/$1" stamp="$EXPE_BIN/.$1.version"
  [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$(go_tool_version "$1")" ]]
}

install_go_tool() {
  local name=$1 spec="${GO_TOOLS[$1]}" version
  version="$(go_tool_version "$name")"
  if go_tool_cached "$name"; then
    echo "$name $version: cached"
    return
  fi
  echo "$name $version: installing into $EXPE_BIN ..."
  need go "install Go >= 1.26.7 from https://go.dev/dl/"
  mkdir -p "$EXPE_BIN"
  # Build into a scratch folder, then rename: never leaves a half-written binary, and works
  # while an older binary is running.
  local tmp
  rm -rf "$EXPE_BIN"/.build.*                  # leftovers of an interrupted run (we hold the lock)
  tmp="$(mktemp -d "$EXPE_BIN/.build.XXXXXX")"
  GOBIN="$tmp" run go install "$spec"
  mv -f "$tmp/$name" "$EXPE_BIN/$name"
  rm -rf "$tmp"
  echo "$version" >"$EXPE_BIN/.$name.version"
}

# Jaeger v2 (the OpenTelemetry Collector build with Jaeger's storage and query API) cannot be
# `go install`ed (its go.mod has replace directives): deploy/local/jaeger/go.mod names it as a tool
# with every module pinned in go.sum, and it is built from there.
install_jaeger() {
  local module="$EXPE_REPO/deploy/local/jaeger" version sum
  version="$(jaeger_version)"
  sum="$(cat "$module/go.mod" "$module/go.sum" | sha256sum | cut -d' ' -f1)"
  if [[ -x "$JAEGER_BIN" && "$(cat "$EXPE_BIN/.jaeger.sum" 2>/dev/null)" == "$sum" ]]; then
    echo "jaeger $version: cached"
    return
  fi
  echo "jaeger $version: building into $EXPE_BIN (a few minutes, once) ..."
  need go "install Go >= 1.26.7 from https://go.dev/dl/"
  mkdir -p "$EXPE_BIN"
  local tmp
  tmp="$(mktemp -d "$EXPE_BIN/.build.XXXXXX")"
  (cd "$module" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -trimpath -buildvcs=false" \
    run_logged "$tmp/build.log" go build -ldflags "-s -w" -o "$tmp/jaeger" \
    github.com/jaegertracing/jaeger/cmd/jaeger)
  mv -f "$tmp/jaeger" "$JAEGER_BIN"
  rm -rf "$tmp"
  echo "$sum" >"$EXPE_BIN/.jaeger.sum"
}

# install_debian_package COMMAND PACKAGE [SERVICE]: the Debian package, only when COMMAND is not
# on PATH. On a systemd host a package with a SERVICE also starts it on the port a local instance
# would take; infra.sh runs its own instances, so only the binaries are kept.
install_debian_package() {
  local command=$1 package=$2 service=${3:-}
  if command -v "$command" >/dev/null 2>&1; then
    echo "$package: system ($(command -v "$command"))"
    return
  fi
  echo "$package: installing (apt) ..."
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  run "${sudo[@]}" apt-get update -q
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package"
  if [[ -n "$service" && -d /run/systemd/system ]]; then
    echo "$package: disabling the $service system service (infra.sh runs its own)"
    run "${sudo[@]}" systemctl disable --now "$service"
  fi
}

main() {
  mkdir -p "$EXPE_HOME"
  # Serialise concurrent runs (e.g. `make run` and `make test` started together).
  exec 9>"$EXPE_HOME/.install.lock"
  flock 9
  install_kafka
  install_store
  install_openapi_generator
  local tool
  for tool in "${GO_TOOL_ORDER[@]}"; do
    install_go_tool "$tool"
  done
  install_jaeger
  install_debian_package redis-server redis-server redis-server
  # Prometheus and promtool: the observability profile's scraper, and the alert rules' tests.
  install_debian_package promtool prometheus prometheus
  # The shell scripts' linter (tests/deploy checks deploy/ with it).
  install_debian_package shellcheck shellcheck
}

# `; exit` on the same line: bash never reads past it, so editing this file while it runs is safe.
main "$@"; exit
