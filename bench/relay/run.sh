#!/usr/bin/env bash
# bench/relay: outbox relay throughput and latency, this branch against a baseline build, same machine, same run.
#   bench/relay/run.sh <new-publish-dir> <old-publish-dir> [seconds-per-rate] [rates...]
# Publish dirs: `dotnet publish src/Host -c Release -o DIR` of this branch and of the baseline (e.g. a `main` worktree).
# Starts a throwaway PostgreSQL (initdb/pg_ctl from PATH) under $WORK, a loopback webhook receiver, and the hosts.
# Load: tasks.bench_load (load.sql) commits "writes" (task.created + task.updated of a fresh task) at a fixed rate
# straight into the tasks outbox, so the relay alone is measured; payloads are copied from real API writes.
set -euo pipefail
NEW=${1:?new publish dir}; OLD=${2:?old publish dir}; SECONDS_PER_RATE=${3:-15}; shift 3 || true
RATES=${*:-50 100 200 400}
TWO_HOST_RATES=${TWO_HOST_RATES:-200 400}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/relay-bench/run}
PGPORT=${PGPORT:-55103}; PORT_A=${PORT_A:-5103}; PORT_B=${PORT_B:-15103}; RECEIVER_PORT=${RECEIVER_PORT:-15104}
PIDS=()
AS_PG=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; "${AS_PG[@]}" pg_ctl -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

rm -rf "$WORK"; mkdir -p "$WORK"
# initdb refuses root: run the server as the postgres user then (as the host's LocalPostgres does).
AS_PG=(); if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); chown postgres "$WORK"; fi
"${AS_PG[@]}" initdb -D "$WORK/pg" -U postgres -A trust >/dev/null
"${AS_PG[@]}" pg_ctl -D "$WORK/pg" -o "-p $PGPORT -k $WORK -c max_connections=300 -c shared_buffers=256MB" -l "$WORK/pg/server.log" start >/dev/null
python3 "$HERE/receiver.py" "$RECEIVER_PORT" & PIDS+=($!)
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt -c "$2"; }

start_host() { # dir db port log -> pid
  ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$2;Maximum Pool Size=100" \
  Jwt__SigningKey=bench-only-signing-key-0123456789-abcdefghijklmnop Bootstrap__AdminEmail=admin@bench.orbit Bootstrap__AdminPassword=bench-admin-password \
  RateLimiting__Api__PermitLimit=1000000 RateLimiting__Credentials__PermitLimit=100000 Webhooks__AllowPrivateNetworks=true \
  Webhooks__SecretEncryptionKey=dGVzdHMtb25seS13ZWJob29rLXNlY3JldC1rZXktMzI= Webhooks__SecretEncryptionKeys__bench=YmVuY2gtb25seS13ZWJob29rLWtleS0zMi1ieXRlcyE= Webhooks__ActiveSecretKeyId=bench Logging__LogLevel__Default=Warning \
    dotnet "$1/Orbit.Host.dll" --urls "http://127.0.0.1:$3" >"$4" 2>&1 & echo $!
}
wait_ready() { for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "host on $1 not ready" >&2; return 1; }

setup() { # db port
  local token project task
  token=$(curl -fs -H 'Content-Type: application/json' -d '{"email":"admin@bench.orbit","password":"bench-admin-password"}' "http://127.0.0.1:$2/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
  project=$(curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"key":"BEN","name":"Bench"}' "http://127.0.0.1:$2/api/v1/projects" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook\",\"events\":[\"*\"]}" "http://127.0.0.1:$2/api/v1/projects/$project/webhooks"
  task=$(curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"title":"template"}' "http://127.0.0.1:$2/api/v1/projects/$project/tasks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $token" -H 'Content-Type: application/merge-patch+json' -d '{"title":"template 2"}' "http://127.0.0.1:$2/api/v1/tasks/$task"
  sleep 2
  psql_ "$1" "create table tasks.bench_template as select row_number() over (order by seq) as ord, type, version, payload from tasks.outbox_messages where type in ('task.created','task.updated') and payload->>'key' = '$task'"
  psql_ "$1" "$(cat "$HERE/load.sql")"
}

backlog_sql() { # variant
  if [ "$1" = new ]; then echo "select (select count(*) from tasks.outbox_messages where dispatched_at is null and dead_at is null) + (select count(*) from tasks.outbox_deliveries where dead_at is null)";
  else echo "select count(*) from tasks.outbox_messages where processed_at is null and dead_at is null"; fi
}

measure() { # variant db rate label
  local run="$4-r$3" started ended backlog drained writes
  started=$(date +%s.%N)
  psql_ "$2" "call tasks.bench_load($3, $SECONDS_PER_RATE, '$run')"
  ended=$(date +%s.%N)
  backlog=$(psql_ "$2" "$(backlog_sql "$1")")
  writes=$(psql_ "$2" "select count(*) from tasks.outbox_messages where payload->>'title' = '$run'")
  for _ in $(seq 1 600); do
    drained=$(psql_ "$2" "select (select count(*) from audit.entries where payload->>'title' = '$run') >= $writes and (select count(*) from notifications.webhook_deliveries where payload->>'title' = '$run' and status <> 'pending') >= $writes")
    [ "$drained" = t ] && break; sleep 0.5
  done
  local drain; drain=$(python3 -c "import time; print(f'{time.time() - $ended:.1f}')")
  psql_ "$2" "
    with w as (select extract(epoch from delivered_at - occurred_at) as s, delivered_at, occurred_at from notifications.webhook_deliveries where payload->>'title' = '$run'),
         a as (select extract(epoch from recorded_at - occurred_at) as s, recorded_at, occurred_at from audit.entries where payload->>'title' = '$run')
    select format('%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s',
      '$1', '$4', $3, round($writes / $SECONDS_PER_RATE::numeric, 0),
      (select round(count(*) / greatest(extract(epoch from max(recorded_at) - min(occurred_at)), 0.001)::numeric, 0) from a),
      (select round(count(*) / greatest(extract(epoch from max(delivered_at) - min(occurred_at)), 0.001)::numeric, 0) from w),
      (select round(percentile_cont(0.5) within group (order by s)::numeric, 3) from w),
      (select round(percentile_cont(0.95) within group (order by s)::numeric, 3) from w),
      (select round(max(s)::numeric, 3) from w),
      (select round(percentile_cont(0.95) within group (order by s)::numeric, 3) from a),
      $backlog, $drain)" | tee -a "$WORK/results.txt"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$WORK/results.txt"
echo "variant | hosts | writes/s | events/s in | audit events/s | webhook events/s | webhook p50 s | p95 s | max s | audit p95 s | backlog at end | drain s" | tee -a "$WORK/results.txt"
for variant in new old; do
  dir=$NEW; [ "$variant" = old ] && dir=$OLD
  db="orbit_$variant"; psql_ postgres "create database $db"
  a=$(start_host "$dir" "$db" "$PORT_A" "$WORK/$variant-a.log"); PIDS+=("$a"); wait_ready "$PORT_A"
  setup "$db" "$PORT_A"
  for rate in $RATES; do measure "$variant" "$db" "$rate" 1host; echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/results.txt"; done
  b=$(start_host "$dir" "$db" "$PORT_B" "$WORK/$variant-b.log"); PIDS+=("$b"); wait_ready "$PORT_B"
  for rate in $TWO_HOST_RATES; do measure "$variant" "$db" "$rate" 2hosts; echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/results.txt"; done
  kill "$a" "$b"; wait "$a" "$b" 2>/dev/null || true
done
echo "results in $WORK/results.txt"
