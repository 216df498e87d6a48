#!/usr/bin/env bash
# The project's copy of the shared Orbit-vs-peers driver (../shared/bench, see README.md there and bench/README.md):
# the same phases, peers and data, plus (1) a drain check that counts per-consumer deliveries (the shared one waits on
# outbox_messages.processed_at, which the per-consumer relay no longer sets) and (2) `--base <git ref>`: a second
# Orbit published from that ref, serving the same database on port 56290 and measured in the same rounds (P1, P3, P4,
# SQL), so before and after are ratios within one run.
#   bench/request-path/run.sh --base main --rounds 2 --wait-quiet 0
#   bench/request-path/run.sh --phases p1,sql --rounds 1 --secs 10       any bench.py option
# Builds Orbit from this repository's HEAD (commit first: uncommitted changes are not measured) into $PERF_WORK/app and
# the base into $PERF_WORK/base-app; both publishes are reused while the commit is the same.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export PERF_WORK=${PERF_WORK:-/tmp/perf}
ORBIT_REPO=${ORBIT_REPO:-$(git -C "$HERE" rev-parse --show-toplevel)}
WORK=$PERF_WORK
BASE_REF=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE_REF=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v pgbench >/dev/null || missing+=(postgresql-client)
/usr/bin/python3 -c 'import fastapi, uvicorn, sqlalchemy, jwt, asyncpg, uvloop, httptools' 2>/dev/null ||
  missing+=(python3-fastapi python3-uvicorn python3-sqlalchemy python3-jwt python3-asyncpg python3-uvloop python3-httptools)
if [ ${#missing[@]} -gt 0 ]; then
  # A fresh machine has no package lists yet: without the update every install fails with "Unable to locate".
  echo "installing ${missing[*]}"; apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null
fi
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "needs PostgreSQL 15 server binaries (apt-get install postgresql-15)"; exit 2; }
mkdir -p "$WORK"; chown postgres "$WORK"

# publish <commit> <source folder> <app folder>: a Release publish of that commit, skipped when already there.
publish() {
  local commit=$1 src=$2 app=$3
  if [ "$(cat "$app/.commit" 2>/dev/null)" = "$commit" ]; then return; fi
  [ -d "$src/.git" ] || git clone -q --no-checkout "$ORBIT_REPO" "$src"
  # Fetch every ref rather than the commit itself: a remote refuses to fetch an abbreviated id.
  git -C "$src" fetch -q "$ORBIT_REPO" '+refs/heads/*:refs/remotes/bench/*' HEAD
  git -C "$src" checkout -q --detach "$commit"
  echo "publishing Orbit $commit (Release) into $app ..."
  rm -rf "$app"
  dotnet publish "$src/src/Host/Host.csproj" -c Release -o "$app" -nologo -v q >/dev/null
  echo "$commit" > "$app/.commit"
}
COMMIT=$(git -C "$ORBIT_REPO" rev-parse --short HEAD)
publish "$COMMIT" "$WORK/src" "$WORK/app"
if [ -n "$BASE_REF" ]; then
  BASE_COMMIT=$(git -C "$ORBIT_REPO" rev-parse --short "$BASE_REF")
  publish "$BASE_COMMIT" "$WORK/base-src" "$WORK/base-app"
  export BASE_APP="$WORK/base-app"
fi
if [ ! -f "$WORK/raw-app/RawPeer.dll" ] || [ -n "$(find "$HERE/raw-npgsql" -name '*.cs' -newer "$WORK/raw-app/RawPeer.dll")" ]; then
  echo "publishing the raw peer ..."
  rm -rf "$WORK/raw-src" && cp -r "$HERE/raw-npgsql" "$WORK/raw-src"
  dotnet publish "$WORK/raw-src/RawPeer.csproj" -c Release -o "$WORK/raw-app" -nologo -v q >/dev/null
fi
echo "orbit commit $COMMIT${BASE_REF:+, base $BASE_REF ($BASE_COMMIT)}, $(nproc) cores, $(uptime | sed 's/.*load/load/')"
exec /usr/bin/python3 "$HERE/bench.py" "${args[@]}"
