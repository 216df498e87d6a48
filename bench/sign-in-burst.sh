#!/usr/bin/env bash
# Issue 11, "sign-in bursts starve everyone": another user's list request (GET /api/v1/projects), idle and while N
# simultaneous sign-ins arrive from N loopback addresses, for a base build (default: main) and this working tree,
# both Release, each on its own database of one throwaway PostgreSQL cluster, measured in interleaved rounds.
# Reports per round the idle and in-burst medians, their ratio, the burst's statuses and the load average. During the
# burst a list request starts every 100 ms whether or not the previous one answered (open loop), so a stall counts
# in every sample it delays.
# Target for this tree: in-burst median <= 10x idle (base measured 10-12 s against ~20 ms).
# Usage: bench/sign-in-burst.sh [base-ref=main] [burst=60] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_REF=${1:-main}; BURST=${2:-60}; ROUNDS=${3:-3}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/orbit-burst-XXXX); chmod 755 "$WORK"
PORT=$((20000 + RANDOM % 10000)); BASE_PORT=$((30000 + RANDOM % 5000)); HEAD_PORT=$((35000 + RANDOM % 5000))
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$WORK/pg"; runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  kill "${BASE_PID:-0}" "${HEAD_PID:-0}" 2>/dev/null || true; wait 2>/dev/null || true
  as_pg "$BIN/pg_ctl" stop -D "$WORK/pg" -m fast >/dev/null 2>&1 || true
  git worktree remove --force "$WORK/base-src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir "$WORK/pg"
as_pg "$BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$BIN/pg_ctl" start -D "$WORK/pg/data" -w -l "$WORK/pg/log" -o "-p $PORT -c listen_addresses=127.0.0.1 -c max_connections=300 -k $WORK/pg" >/dev/null
PSQL="psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -qtA"
$PSQL -c "create database orbit_base" -c "create database orbit_head" >/dev/null

echo "publishing $BASE_REF ($(git rev-parse --short "$BASE_REF")) and the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes')), Release"
git worktree add --detach "$WORK/base-src" "$BASE_REF" >/dev/null 2>&1
dotnet publish "$WORK/base-src/src/Host/Host.csproj" -c Release -o "$WORK/base" -p:OrbitSkipWebBuild=true -v q -nologo >/dev/null
dotnet publish src/Host/Host.csproj -c Release -o "$WORK/head" -p:OrbitSkipWebBuild=true -v q -nologo >/dev/null

# Production refuses plain-text webhook secrets; both spellings, so that older and newer builds start.
KEY=$(head -c 32 /dev/urandom | base64)
start_host() { # name port database
  ( cd "$WORK/$1" && ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$3" \
    Jwt__SigningKey="bench-only-signing-key-0123456789-abcdefghijkl" ASPNETCORE_ENVIRONMENT=Production \
    RateLimiting__Api__PermitLimit=1000000 RateLimiting__Credentials__PermitLimit=100000 Logging__LogLevel__Default=Warning \
    Webhooks__SecretEncryptionKey="$KEY" Webhooks__SecretEncryptionKeys__bench="$KEY" Webhooks__ActiveSecretKeyId=bench \
    exec dotnet Orbit.Host.dll --urls "http://0.0.0.0:$2" >"$WORK/$1.log" 2>&1 )
}
start_host base "$BASE_PORT" orbit_base & BASE_PID=$!
start_host head "$HEAD_PORT" orbit_head & HEAD_PID=$!
for port in "$BASE_PORT" "$HEAD_PORT"; do
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "host on $port did not get ready"; tail -20 "$WORK"/*.log; exit 1; }
done

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg); burst: $BURST sign-ins from $BURST addresses; $ROUNDS rounds"
python3 bench/sign-in-burst.py "$ROUNDS" "$BURST" "base=$BASE_PORT" "head=$HEAD_PORT" | tee "$WORK/results.jsonl"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for build in ("base", "head"):
    r = [x for x in rows if x["build"] == build]
    print(f"{build}: idle p50 {statistics.median(x['idle_p50_ms'] for x in r):.1f} ms, during burst p50 "
          f"{statistics.median(x['burst_p50_ms'] for x in r):.1f} ms, p90 {statistics.median(x['burst_p90_ms'] for x in r):.0f} ms (ratio of p50s {statistics.median(x['ratio_p50'] for x in r):.1f}x, "
          f"worst sample {max(x['burst_max_ms'] for x in r):.0f} ms), burst took {statistics.median(x['burst_wall_s'] for x in r):.1f} s")
head = statistics.median(x["ratio_p50"] for x in rows if x["build"] == "head")
print(f"head in-burst/idle p50 ratio {head:.1f} (target <= 10): {'PASS' if head <= 10 else 'FAIL'}")
sys.exit(0 if head <= 10 else 1)
PY
