#!/usr/bin/env bash
# deploy/local/with-profile.sh PROFILE COMMAND...: runs COMMAND with the profile's ports and
# folders exported (deploy/local/profiles/PROFILE.env), from the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
profile="deploy/local/profiles/$1.env"
[[ -f "$profile" ]] || { echo "no profile $profile" >&2; exit 2; }
shift
set -a
# shellcheck disable=SC1090
source "$profile"
set +a
exec "$@"
