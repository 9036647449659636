#!/usr/bin/env bash
# Backups of Expe's MongoDB replica set with point-in-time recovery from the oplog.
#
#   expe-backup.sh full       daily: every database in one archive (mongodump --oplog), then prune
#   expe-backup.sh oplog      every few minutes: the oplog written since the last slice
#   expe-backup.sh prune      drop what the retention no longer keeps
#   expe-backup.sh list       the backups held, oldest first
#   expe-backup.sh restore --to URI [--until 2026-12-02T10:15:00Z]
#                             the newest full backup finished before --until, then the oplog
#                             replayed up to --until (mongorestore --oplogReplay --oplogLimit)
#   expe-backup.sh restore --plan [--until …]
#                             prints what that restore would use, and restores nothing
#
# Settings, from the environment:
#   EXPE_BACKUP_MONGO_URI       the replica set to back up (full, oplog), read from a secondary:
#                               mongodb://…/?replicaSet=rs0&readPreference=secondary
#   EXPE_BACKUP_TARGET          where backups are kept: a folder, or s3://bucket/prefix
#   EXPE_BACKUP_S3_ENDPOINT     an S3-compatible service's URL (MinIO, Ceph, R2…); unset: AWS S3,
#                               with the usual AWS_* credentials
#   EXPE_BACKUP_RETENTION_DAYS  full backups younger than this are kept (default 14); the newest is
#                               always kept, and the oplog as far back as the oldest kept full
#
# Why one archive for all databases: mongodump's --oplog (a dump consistent at one point in time)
# works only on a whole instance, not with --db. Every service database (expe_auth,
# expe_payments, …) is in it; `restore` restores them all.
#
# Layout of the target:
#   full/<UTC stamp>_<start>_<end>.archive.gz   start, end: the oplog's last timestamp before and
#                                               after the dump, as <seconds>.<increment>
#   oplog/<after>_<upto>.bson.gz                entries with after < ts <= upto
# The names carry the timestamps, so pruning and restoring need no other record.
set -euo pipefail

RETENTION_DAYS="${EXPE_BACKUP_RETENTION_DAYS:-14}"
WORK=""
trap '[[ -z "$WORK" ]] || rm -rf "$WORK"' EXIT

usage() {
  sed -n '2,/^set -euo pipefail$/{/^set /d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

fail() {
  echo "expe-backup: $*" >&2
  exit 1
}

log() {
  echo "expe-backup: $*" >&2
}

require() {
  local name="$1"
  [[ -n "${!name:-}" ]] || fail "$name is not set (see --help)"
}

# ---------------------------------------------------------------------------- timestamps
# An oplog timestamp (seconds, increment) as one sortable word: 0001764642600.0000000017.

ts_word() {
  printf '%013d.%010d' "$1" "$2"
}

ts_seconds() {
  local seconds="${1%%.*}"
  echo "$((10#$seconds))"
}

ts_increment() {
  local increment="${1##*.}"
  echo "$((10#$increment))"
}

# The timestamp of the newest (or, with 1, the oldest) entry of the oplog, as a word.
oplog_edge() {
  local order="${1:--1}"
  local edge
  edge="$(mongosh "$EXPE_BACKUP_MONGO_URI" --quiet --eval "
    const entry = db.getSiblingDB('local').oplog.rs.find({}, {ts: 1}).sort({\$natural: $order}).limit(1).next();
    print(entry.ts.t + ' ' + entry.ts.i);
  ")" || fail "cannot read the oplog of $EXPE_BACKUP_MONGO_URI"
  # shellcheck disable=SC2086 # two words on purpose
  ts_word $edge
}

# ---------------------------------------------------------------------------- the target

is_s3() {
  [[ "$EXPE_BACKUP_TARGET" == s3://* ]]
}

s3() {
  local endpoint=()
  [[ -n "${EXPE_BACKUP_S3_ENDPOINT:-}" ]] && endpoint=(--endpoint-url "$EXPE_BACKUP_S3_ENDPOINT")
  aws "${endpoint[@]}" s3 "$@"
}

# put LOCAL_FILE KEY
put() {
  if is_s3; then
    s3 cp --only-show-errors "$1" "${EXPE_BACKUP_TARGET%/}/$2"
  else
    mkdir -p "$(dirname "$EXPE_BACKUP_TARGET/$2")"
    # Copied under a temporary name and renamed: a half-written backup is never listed.
    cp "$1" "$EXPE_BACKUP_TARGET/$2.partial"
    mv "$EXPE_BACKUP_TARGET/$2.partial" "$EXPE_BACKUP_TARGET/$2"
  fi
}

# get KEY LOCAL_FILE
get() {
  if is_s3; then
    s3 cp --only-show-errors "${EXPE_BACKUP_TARGET%/}/$1" "$2"
  else
    cp "$EXPE_BACKUP_TARGET/$1" "$2"
  fi
}

# remove KEY
remove() {
  if is_s3; then
    s3 rm --only-show-errors "${EXPE_BACKUP_TARGET%/}/$1"
  else
    rm -f "$EXPE_BACKUP_TARGET/$1"
  fi
}

# keys FOLDER SUFFIX: the names in full/ or oplog/, sorted (the names sort by time)
keys() {
  local folder="$1" suffix="$2"
  if is_s3; then
    s3 ls "${EXPE_BACKUP_TARGET%/}/$folder/" |
      awk -v suffix="$suffix" 'substr($4, length($4) - length(suffix) + 1) == suffix {print $4}' |
      sort || true
  else
    [[ -d "$EXPE_BACKUP_TARGET/$folder" ]] || return 0
    find "$EXPE_BACKUP_TARGET/$folder" -maxdepth 1 -type f -name "*$suffix" -printf '%f\n' | sort
  fi
}

fulls() { keys full .archive.gz; }
slices() { keys oplog .bson.gz; }

# Fields of a full backup's name: stamp, start, end.
full_start() { local name="${1%.archive.gz}"; name="${name#*_}"; echo "${name%_*}"; }
full_end() { local name="${1%.archive.gz}"; echo "${name##*_}"; }
# Fields of an oplog slice's name: after, upto.
slice_after() { local name="${1%.bson.gz}"; echo "${name%_*}"; }
slice_upto() { local name="${1%.bson.gz}"; echo "${name#*_}"; }

# ---------------------------------------------------------------------------- commands

# One scratch folder per run, removed when the script exits.
work_dir() {
  [[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/expe-backup.XXXXXX")"
}

backup_full() {
  require EXPE_BACKUP_MONGO_URI
  require EXPE_BACKUP_TARGET
  local work stamp start end
  work_dir
  work="$WORK"
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  start="$(oplog_edge -1)"
  log "full backup $stamp: mongodump --oplog"
  mongodump --uri "$EXPE_BACKUP_MONGO_URI" --oplog --gzip --archive="$work/full.archive.gz" --quiet
  end="$(oplog_edge -1)"
  put "$work/full.archive.gz" "full/${stamp}_${start}_${end}.archive.gz"
  log "full backup $stamp kept ($(du -h "$work/full.archive.gz" | cut -f1))"
  prune
}

backup_oplog() {
  require EXPE_BACKUP_MONGO_URI
  require EXPE_BACKUP_TARGET
  local last_slice last_full after upto oldest work query
  last_slice="$(slices | tail -n 1)"
  last_full="$(fulls | tail -n 1)"
  [[ -n "$last_full" ]] || fail "no full backup yet: run 'full' first"
  after="$(full_start "$last_full")"
  if [[ -n "$last_slice" && "$(slice_upto "$last_slice")" > "$after" ]]; then
    after="$(slice_upto "$last_slice")"
  fi
  upto="$(oplog_edge -1)"
  [[ "$upto" > "$after" ]] || { log "oplog: nothing new since $after"; return 0; }
  # The oplog is a capped collection: what it has already dropped cannot be captured any more.
  oldest="$(oplog_edge 1)"
  [[ ! "$oldest" > "$after" ]] || fail "the oplog no longer holds $after (its oldest entry is $oldest): entries were lost; run 'full' now"
  work_dir
  work="$WORK"
  # shellcheck disable=SC2016 # $gt, $lte and $timestamp are MongoDB's operators, not the shell's
  query="$(printf '{"ts": {"$gt": {"$timestamp": {"t": %d, "i": %d}}, "$lte": {"$timestamp": {"t": %d, "i": %d}}}}' \
    "$(ts_seconds "$after")" "$(ts_increment "$after")" "$(ts_seconds "$upto")" "$(ts_increment "$upto")")"
  mongodump --uri "$EXPE_BACKUP_MONGO_URI" --db local --collection oplog.rs --query "$query" \
    --out "$work/dump" --quiet
  gzip -c "$work/dump/local/oplog.rs.bson" > "$work/slice.bson.gz"
  put "$work/slice.bson.gz" "oplog/${after}_${upto}.bson.gz"
  log "oplog slice ${after}_${upto} kept"
}

prune() {
  require EXPE_BACKUP_TARGET
  [[ "$RETENTION_DAYS" =~ ^[0-9]+$ && "$RETENTION_DAYS" -ge 1 ]] ||
    fail "EXPE_BACKUP_RETENTION_DAYS must be a whole number of days, at least 1"
  local cutoff newest oldest_kept="" name
  cutoff="$(date -u -d "-$RETENTION_DAYS days" +%Y%m%dT%H%M%SZ)"
  newest="$(fulls | tail -n 1)"
  [[ -n "$newest" ]] || return 0
  while read -r name; do
    if [[ "$name" == "$newest" || ! "${name%%_*}" < "$cutoff" ]]; then
      [[ -n "$oldest_kept" ]] || oldest_kept="$name"
    else
      remove "full/$name"
      log "pruned full/$name"
    fi
  done < <(fulls)
  # Slices older than the oldest kept full cannot be replayed onto anything.
  while read -r name; do
    if [[ ! "$(slice_upto "$name")" > "$(full_start "$oldest_kept")" ]]; then
      remove "oplog/$name"
      log "pruned oplog/$name"
    fi
  done < <(slices)
}

list() {
  require EXPE_BACKUP_TARGET
  fulls | sed 's|^|full/|'
  slices | sed 's|^|oplog/|'
}

# An ISO 8601 UTC time as a timestamp word; the increment 0 is before any write of that second.
until_word() {
  local seconds
  seconds="$(date -u -d "$1" +%s 2>/dev/null)" || fail "--until $1: not a time (2026-12-02T10:15:00Z)"
  ts_word "$seconds" 0
}

# What a restore up to LIMIT (a timestamp word, empty for "all there is") uses: sets BASE, the
# newest full backup whose dump ended before LIMIT, and SLICES, the oplog slices after it in order
# and with no gap between them, up to the one holding LIMIT.
plan_restore() {
  local limit="$1" name reached
  BASE=""
  SLICES=()
  while read -r name; do
    if [[ -z "$limit" || "$(full_end "$name")" < "$limit" ]]; then
      BASE="$name"
    fi
  done < <(fulls)
  [[ -n "$BASE" ]] || fail "no full backup finished before ${limit:-now}"
  reached="$(full_end "$BASE")"
  while read -r name; do
    [[ "$(slice_upto "$name")" > "$reached" ]] || continue
    [[ -z "$limit" || "$(slice_after "$name")" < "$limit" ]] || break
    [[ ! "$(slice_after "$name")" > "$reached" ]] ||
      fail "the oplog between $reached and $(slice_after "$name") is missing: a restore can reach $reached at most"
    SLICES+=("$name")
    reached="$(slice_upto "$name")"
  done < <(slices)
  if [[ -n "$limit" && ! "$reached" > "$limit" ]]; then
    log "the oplog kept reaches $reached, before the point asked for: restoring up to $reached"
  fi
}

restore() {
  require EXPE_BACKUP_TARGET
  local to="" until="" limit="" show_plan=false name
  while (($#)); do
    case "$1" in
      --to) to="${2:?--to needs a MongoDB URI}"; shift 2 ;;
      --until) until="${2:?--until needs a time}"; shift 2 ;;
      --plan) show_plan=true; shift ;;
      *) fail "restore: unknown option $1 (see --help)" ;;
    esac
  done
  if [[ -n "$until" ]]; then
    limit="$(until_word "$until")"
  fi
  plan_restore "$limit"
  if "$show_plan"; then
    echo "full/$BASE"
    for name in "${SLICES[@]}"; do echo "oplog/$name"; done
    [[ -z "$limit" ]] || echo "until $limit"
    return 0
  fi
  [[ -n "$to" ]] || fail "restore: --to URI is required (the cluster to restore into)"

  work_dir
  log "restoring full/$BASE into $to"
  get "full/$BASE" "$WORK/full.archive.gz"
  mongorestore --uri "$to" --gzip --archive="$WORK/full.archive.gz" --oplogReplay --drop \
    --stopOnError --quiet
  if ((${#SLICES[@]} == 0)); then
    log "no oplog after the full backup: restored to $(full_end "$BASE")"
    return 0
  fi
  # The slices, one after the other, are one oplog: mongorestore replays oplog.bson at the root
  # of a dump folder. Entries the full backup already holds are applied again, which leaves the
  # same documents (oplog entries are idempotent).
  local replay=(--oplogReplay)
  mkdir -p "$WORK/replay"
  : > "$WORK/replay/oplog.bson"
  for name in "${SLICES[@]}"; do
    get "oplog/$name" "$WORK/slice.bson.gz"
    gzip -dc "$WORK/slice.bson.gz" >> "$WORK/replay/oplog.bson"
  done
  # --oplogLimit leaves out the entries at and after it.
  [[ -z "$limit" ]] || replay+=(--oplogLimit "$(ts_seconds "$limit"):0")
  log "replaying ${#SLICES[@]} oplog slices up to ${until:-the last one}"
  mongorestore --uri "$to" "${replay[@]}" --stopOnError --quiet "$WORK/replay"
  log "restored to ${until:-$(slice_upto "${SLICES[-1]}")}"
}

case "${1:-}" in
  full) backup_full ;;
  oplog) backup_oplog ;;
  prune) prune ;;
  list) list ;;
  restore) shift; restore "$@" ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) echo "expe-backup: unknown command $1" >&2; usage >&2; exit 2 ;;
esac
