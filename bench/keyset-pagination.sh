#!/usr/bin/env bash
# Keyset pagination must cost the same deep in a list as on its first page (API.md, issue 3).
# Seeds one project with N tasks, then loads the first page and a page N-100 rows deep with `hey` against a Release
# build, and reports the deep/first latency ratio, measured in the same run. Target: ratio of medians <= 1.5.
# Usage: bench/keyset-pagination.sh [tasks=100000] [requests=2000] [concurrency=8]
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-100000}; REQUESTS=${2:-2000}; CONCURRENCY=${3:-8}
command -v hey >/dev/null || { echo "needs hey (Debian: apt-get install hey)"; exit 2; }
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/orbit-bench-XXXX); chmod 755 "$WORK"
PORT=$((20000 + RANDOM % 10000)); API_PORT=$((30000 + RANDOM % 10000))
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$WORK"; runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { kill "${HOST_PID:-0}" 2>/dev/null || true; as_pg "$BIN/pg_ctl" stop -D "$WORK/pg" -m fast >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

as_pg "$BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$BIN/pg_ctl" start -D "$WORK/pg" -w -l "$WORK/pg.log" -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK/pg" >/dev/null
PSQL="psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -qtA"
$PSQL -c "create database orbit" >/dev/null

dotnet publish src/Host/Host.csproj -c Release -o "$WORK/app" -v q -nologo >/dev/null
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=orbit"
export Jwt__SigningKey="bench-only-signing-key-0123456789-abcdefghijkl" ASPNETCORE_ENVIRONMENT=Production
# Production requires a webhook secret key: a fixed one for the benchmark (base64 of 32 bytes).
export Webhooks__SecretEncryptionKeys__bench="YmVuY2gtb25seS13ZWJob29rLWtleS0zMi1ieXRlcyE="
export RateLimiting__Api__PermitLimit=1000000 RateLimiting__Credentials__PermitLimit=1000 Logging__LogLevel__Default=Warning
dotnet "$WORK/app/Orbit.Host.dll" --urls "http://127.0.0.1:$API_PORT" >"$WORK/host.log" 2>&1 & HOST_PID=$!
API="http://127.0.0.1:$API_PORT/api/v1"
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$API_PORT/health/ready" >/dev/null && break; sleep 1; done

curl -sf "$API/auth/register" -H 'content-type: application/json' -d '{"email":"bench@orbit.test","password":"bench password 123","displayName":"Bench"}' >/dev/null
TOKEN=$(curl -sf "$API/auth/login" -H 'content-type: application/json' -d '{"email":"bench@orbit.test","password":"bench password 123"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["accessToken"])')
PROJECT=$(curl -sf "$API/projects" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"key":"BENCH","name":"Bench"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
curl -sf "$API/projects/$PROJECT/tasks" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"title":"first"}' >/dev/null

# The rest straight into the table (the API would take minutes for 100k creates): same shape the handler writes.
$PSQL -d orbit <<SQL
insert into tasks.tasks (id, project_id, number, key, title, status, priority, created_by, created_at, updated_by, updated_at)
select uuidv7_like, '$PROJECT', n, 'BENCH-' || n, 'Task ' || n, 'todo', (n % 5)::smallint, created_by, now(), created_by, now()
from (select n, (select created_by from tasks.tasks where key = 'BENCH-1') as created_by,
             (lpad(to_hex((extract(epoch from now()) * 1000)::bigint + n), 12, '0') || '7000' || '8000' || lpad(to_hex(n), 12, '0'))::uuid as uuidv7_like
      from generate_series(2, $TASKS) n) s;
update tasks.project_counters set last_number = $TASKS where project_id = '$PROJECT';
analyze tasks.tasks;
SQL

DEEP_ID=$($PSQL -d orbit -c "select id from tasks.tasks where project_id = '$PROJECT' and deleted_at is null order by id offset $((TASKS - 100)) limit 1")
CURSOR=$(python3 -c "import base64,json,sys;print(base64.urlsafe_b64encode(json.dumps({'Sort':'created','Value':None,'Id':sys.argv[1]}).encode()).decode().rstrip('='))" "$DEEP_ID")
FIRST="$API/projects/$PROJECT/tasks?limit=25&sort=created"
DEEP="$FIRST&cursor=$CURSOR"
curl -sf -H "authorization: Bearer $TOKEN" "$DEEP" | python3 -c 'import json,sys;d=json.load(sys.stdin);assert len(d["items"])==25, d' \
  || { echo "the deep page did not answer 25 items"; exit 1; }

median() { hey -n "$REQUESTS" -c "$CONCURRENCY" -H "authorization: Bearer $TOKEN" "$1" | awk '/50% in/{print $3} /99% in/{p99=$3} END{print p99}'; }
median "$FIRST" >/dev/null   # warm-up: JIT, connection pool, caches
read -r FIRST_P50 FIRST_P99 < <(median "$FIRST" | paste -sd' ')
read -r DEEP_P50 DEEP_P99 < <(median "$DEEP" | paste -sd' ')
python3 - "$FIRST_P50" "$FIRST_P99" "$DEEP_P50" "$DEEP_P99" "$TASKS" <<'PY'
import sys
fp50, fp99, dp50, dp99, n = map(float, sys.argv[1:])
ratio = dp50 / fp50
print(f"tasks={int(n)} first page p50={fp50*1000:.2f} ms p99={fp99*1000:.2f} ms | page {int(n)-100} rows deep p50={dp50*1000:.2f} ms p99={dp99*1000:.2f} ms")
print(f"deep/first p50 ratio = {ratio:.2f} (target <= 1.5): {'PASS' if ratio <= 1.5 else 'FAIL'}")
sys.exit(0 if ratio <= 1.5 else 1)
PY
