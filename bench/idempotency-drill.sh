#!/usr/bin/env bash
# The crash-and-retry drill of issue 10: one effect per Idempotency-Key, whatever fails.
# Builds the host (Release) from a checkout, runs it against a throwaway PostgreSQL, creates tasks with fresh keys under
# load while the database is stopped mid-load (OUTAGES times) and the host is killed with SIGKILL (ROUNDS times), some
# clients hanging up early; then restarts and retries every key. Reports keys stuck, duplicates, 5xx (PASS/FAIL).
# Usage: bench/idempotency-drill.sh [rounds=5] [workers=8] [outages=1]
#   ORBIT_SOURCE=<checkout>  build that checkout instead of this one (e.g. main's code for a before/after comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
DRILL="$PWD/bench/idempotency-drill.py"
ROUNDS=${1:-5}; WORKERS=${2:-8}; OUTAGES=${3:-1}
SOURCE=$(cd "${ORBIT_SOURCE:-$PWD}" && pwd)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/orbit-drill-XXXX); chmod 755 "$WORK"
PORT=$((20000 + RANDOM % 10000)); API_PORT=$((30000 + RANDOM % 10000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$BIN/pg_ctl" stop -D "$WORK/pg" -m immediate >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir "$WORK/pg"; if [ "$(id -u)" = 0 ]; then chown -R postgres "$WORK"; fi   # initdb refuses root
as_pg "$BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
PG_START="$BIN/pg_ctl start -D $WORK/pg -w -l $WORK/pg.log -o '-p $PORT -c listen_addresses=127.0.0.1 -k $WORK/pg'"
PG_STOP="$BIN/pg_ctl stop -D $WORK/pg -m immediate"
if [ "$(id -u)" = 0 ]; then PG_START="runuser -u postgres -- $PG_START"; PG_STOP="runuser -u postgres -- $PG_STOP"; fi
eval "$PG_START" >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -qtA -c "create database orbit" >/dev/null

echo "building $SOURCE (Release) ..."
dotnet build "$SOURCE/src/Host/Host.csproj" -c Release -p:OrbitSkipWebBuild=true -v q -nologo >/dev/null
APP="$SOURCE/src/Host/bin/Release/net10.0/Orbit.Host.dll"

export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=orbit;Timeout=15"
export Jwt__SigningKey="drill-only-signing-key-0123456789-abcdefghijkl" ASPNETCORE_ENVIRONMENT=Production
export Webhooks__SecretEncryptionKeys__drill="ZHJpbGwtb25seS13ZWJob29rLXNlY3JldC1rZXktMzI="
export RateLimiting__Api__PermitLimit=1000000 RateLimiting__Credentials__PermitLimit=100000 Logging__LogLevel__Default=Warning
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); source $(git -C "$SOURCE" rev-parse --short HEAD)"
python3 "$DRILL" --app "$APP" --port "$API_PORT" --rounds "$ROUNDS" --outages "$OUTAGES" --workers "$WORKERS" \
  --psql "psql -h 127.0.0.1 -p $PORT -U postgres -d orbit -qtA" --pg-stop "$PG_STOP" --pg-start "$PG_START" --log "$WORK/host.log" \
  || { status=$?; echo "host log tail:"; tail -5 "$WORK/host.log"; echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; exit $status; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
