# shellcheck shell=bash
# Shared paths and pinned versions for deploy/local/install.sh and deploy/local/infra.sh.
# Sourced, never executed.

EXPE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EXPE_HOME="${EXPE_HOME:-$HOME/.cache/expe}"   # download/build cache, shared by every checkout
EXPE_BIN="$EXPE_HOME/bin"

# Kafka comes from Maven Central as plain jars; the pom is the single source of its version.
KAFKA_POM="$EXPE_REPO/deploy/local/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
KAFKA_HOME="$EXPE_HOME/kafka/$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"

# The local MongoDB-wire store: mongo-java-server jars from Maven Central plus the project's own
# launcher (deploy/local/store/src), compiled against them. The pom holds the versions.
STORE_POM="$EXPE_REPO/deploy/local/store/pom.xml"
STORE_SRC="$EXPE_REPO/deploy/local/store/src"
STORE_VERSION="$(sed -n 's:.*<mongo-java-server.version>\(.*\)</mongo-java-server.version>.*:\1:p' "$STORE_POM")"
STORE_HOME="$EXPE_HOME/store/$STORE_VERSION"
STORE_LIBS="$STORE_HOME/libs"
STORE_CLASSES="$STORE_HOME/classes"

# openapi-generator's command-line jar (one shaded jar) from Maven Central, which turns the API's
# OpenAPI document into clients (deploy/local/openapi-generator.sh). The pom holds the version.
OPENAPI_GENERATOR_POM="$EXPE_REPO/deploy/local/codegen/pom.xml"
OPENAPI_GENERATOR_VERSION="$(sed -n 's:.*<openapi-generator.version>\(.*\)</openapi-generator.version>.*:\1:p' "$OPENAPI_GENERATOR_POM")"
OPENAPI_GENERATOR_HOME="$EXPE_HOME/openapi-generator/$OPENAPI_GENERATOR_VERSION"
OPENAPI_GENERATOR_LIBS="$OPENAPI_GENERATOR_HOME/libs"
OPENAPI_GENERATOR_JAR="$OPENAPI_GENERATOR_LIBS/openapi-generator-cli-$OPENAPI_GENERATOR_VERSION.jar"

# Go-built tools: name -> "module/package@version". The binary lands in $EXPE_BIN/<name>
# next to a stamp file $EXPE_BIN/.<name>.version holding the pinned version.
declare -A GO_TOOLS=(
  [mailpit]="github.com/axllent/mailpit@v1.33.1"
  [vegeta]="github.com/tsenart/vegeta/v12@v12.13.0"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
)
GO_TOOL_ORDER=(mailpit vegeta actionlint)

go_tool_version() { echo "${GO_TOOLS[$1]##*@}"; }

# Jaeger, built by install.sh from the tool module deploy/local/jaeger (its go.mod pins it).
JAEGER_BIN="$EXPE_BIN/jaeger"
jaeger_version() {
  sed -n 's:^\tgithub.com/jaegertracing/jaeger \(v[^ ]*\).*:\1:p' "$EXPE_REPO/deploy/local/jaeger/go.mod"
}
