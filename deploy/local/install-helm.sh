#!/usr/bin/env bash
# Installs the helm CLI used by tests/deploy (helm lint / helm template of deploy/helm/expe).
# Built from source with `go install` from the Go module proxy; idempotent and cached:
# the binary lands in ${EXPE_HOME:-$HOME/.cache/expe}/bin/helm and is rebuilt only when the
# pinned version changes.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
EXPE_HOME="${EXPE_HOME:-$HOME/.cache/expe}"
BIN_DIR="$EXPE_HOME/bin"
HELM="$BIN_DIR/helm"
STAMP="$BIN_DIR/.helm-version"
STAMP_VALUE="$HELM_VERSION+k8s-default"

if [[ -x "$HELM" && -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_VALUE" ]]; then
  echo "helm $HELM_VERSION already installed at $HELM"
  exit 0
fi

command -v go >/dev/null || { echo "install-helm: go is required" >&2; exit 1; }
mkdir -p "$BIN_DIR"
cd "$BIN_DIR"  # outside any go.mod, so nothing of the caller's module is touched
echo "building helm $HELM_VERSION with go install (first time takes a few minutes)..."
start=$(date +%s)

# Like helm's own Makefile: the default Kubernetes version of `helm template` / `helm lint`
# follows the k8s.io/client-go version helm is built with (v0.X.Y -> 1.X), not 1.20.
gomod=$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
k8s_minor=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod")
[[ -n "$k8s_minor" ]] || { echo "install-helm: cannot read k8s.io/client-go version from $gomod" >&2; exit 1; }

ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
GOBIN="$BIN_DIR" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" \
  go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
echo "$STAMP_VALUE" > "$STAMP"
echo "helm $HELM_VERSION installed at $HELM in $(( $(date +%s) - start ))s"
"$HELM" version --short
