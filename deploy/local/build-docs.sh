#!/usr/bin/env bash
# Builds the guides (docs/, mkdocs.yml) into build/docs, which the gateway serves at /guides/.
# The error reference in them is generated from the error classes, so the Python sources count
# as inputs too; nothing changed since the last build: this takes a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p .data

sources=$(find docs shared services gateway mkdocs.yml -type f \( -name '*.md' -o -name '*.py' \
  -o -name '*.yml' -o -name '*.css' \) -not -path '*/__pycache__/*' -print0 | sort -z \
  | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ "$(cat .data/docs-sources 2>/dev/null)" == "$sources" ]]; then
  echo "guides: build/docs is up to date"
  exit 0
fi
echo "guides: building build/docs (mkdocs build --strict) ..."
# NO_MKDOCS_2_WARNING: the theme's notice of its successor would otherwise open the output.
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict >.data/docs-build.log 2>&1 \
  || { tail -n 40 .data/docs-build.log >&2; echo "build-docs: FAILED (.data/docs-build.log)" >&2; exit 1; }
echo "$sources" > .data/docs-sources
