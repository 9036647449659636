#!/usr/bin/env bash
# deploy/local/openapi-generator.sh ARGS...: runs openapi-generator's command line (the jar that
# `make setup` installs from deploy/local/codegen/pom.xml) with ARGS, for example
#   deploy/local/openapi-generator.sh list
#   deploy/local/openapi-generator.sh generate -g rust -i build/openapi-clients/openapi.json -o build/rust
# `make openapi-clients` runs it over deploy/local/codegen/clients/*.yaml.
set -euo pipefail

# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ ! -f "$OPENAPI_GENERATOR_JAR" ]]; then
  echo "openapi-generator $OPENAPI_GENERATOR_VERSION is not installed: run deploy/local/install.sh (or make setup)" >&2
  exit 1
fi
exec java -jar "$OPENAPI_GENERATOR_JAR" "$@"
