#!/usr/bin/env bash
# deploy/local/with-profile.sh PROFILE COMMAND...: runs COMMAND with the profile's ports and
# folders exported (deploy/local/profiles/PROFILE.env), from the repository root. A variable
# already set in the environment wins over the profile's, so a busy port or another data folder
# is one `EXPE_STORE_PORT=47018 make bench` away.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
profile="deploy/local/profiles/$1.env"
[[ -f "$profile" ]] || { echo "no profile $profile" >&2; exit 2; }
shift
while IFS='=' read -r key value; do
  [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue   # comments and blank lines
  [[ -n "${!key+set}" ]] || export "$key=$value"
done <"$profile"
exec "$@"
