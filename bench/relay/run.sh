#!/usr/bin/env bash
# bench/relay: outbox relay throughput and latency under writes over HTTP, this branch against a baseline build, same
# machine, same run, same throwaway PostgreSQL.
#   bench/relay/run.sh <new-publish-dir> <old-publish-dir> [seconds-per-rate] [rates...]
# Publish dirs: `dotnet publish src/Host -c Release -p:OrbitSkipWebBuild=true -o DIR` of this branch and of the baseline
# (a `git worktree add` of the old commit). Starts PostgreSQL (initdb/pg_ctl from PATH, pg_stat_statements loaded)
# under $WORK, a loopback webhook receiver, and the hosts. Per variant:
#   1. light load, one host: creates only at $LIGHT_RATE/s; statements per create from pg_stat_statements (alone:
#      ONLY_STATEMENTS=1);
#   2. per rate, one host: drive.py writes (a third each: create, rename, comment; one event each) at the rate for
#      seconds-per-rate, into a fresh project with a webhook subscribed to "*" pointing at the receiver; then
#   3. per rate in $TWO_HOST_RATES, two hosts on the database, half the writes to each.
# Each line: events/s delivered to audit and to webhooks, commit -> webhook delivered p50/p95/max, commit -> audit
# row p95, backlog when the writes stop (messages not processed and not dead), time to drain (capped at $DRAIN_CAP s),
# and the load average. The machine is shared: compare ratios from one run.
set -euo pipefail
NEW=${1:?new publish dir}; OLD=${2:?old publish dir}; SECONDS_PER_RATE=${3:-10}; shift 3 || true
RATES=${*:-50 100 200 400}
TWO_HOST_RATES=${TWO_HOST_RATES:-200 400}
LIGHT_RATE=${LIGHT_RATE:-2}; LIGHT_SECONDS=${LIGHT_SECONDS:-15}; DRAIN_CAP=${DRAIN_CAP:-45}
VARIANTS=${VARIANTS:-new old}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/relay-bench/run}
PGPORT=${PGPORT:-55112}; PORT_A=${PORT_A:-5112}; PORT_B=${PORT_B:-15112}; RECEIVER_PORT=${RECEIVER_PORT:-15113}
PIDS=()
AS_PG=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; "${AS_PG[@]}" pg_ctl -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

rm -rf "$WORK"; mkdir -p "$WORK"
# initdb refuses root: run the server as the postgres user then (as the host's LocalPostgres does).
AS_PG=(); if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); chown postgres "$WORK"; fi
"${AS_PG[@]}" initdb -D "$WORK/pg" -U postgres -A trust >/dev/null
"${AS_PG[@]}" pg_ctl -D "$WORK/pg" -o "-p $PGPORT -k $WORK -c max_connections=300 -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on" -l "$WORK/pg/server.log" start >/dev/null
python3 "$HERE/receiver.py" "$RECEIVER_PORT" & PIDS+=($!)
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt -c "$2"; }
psql_ postgres "create extension if not exists pg_stat_statements"
load() { cut -d' ' -f1-3 /proc/loadavg; }

start_host() { # dir db port log -> pid
  ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$2;Maximum Pool Size=100" \
  Jwt__SigningKey=bench-only-signing-key-0123456789-abcdefghijklmnop Bootstrap__AdminEmail=admin@bench.orbit Bootstrap__AdminPassword=bench-admin-password \
  RateLimiting__Api__PermitLimit=1000000 RateLimiting__Credentials__PermitLimit=100000 Webhooks__AllowPrivateNetworks=true \
  Webhooks__SecretEncryptionKey=dGVzdHMtb25seS13ZWJob29rLXNlY3JldC1rZXktMzI= Webhooks__SecretEncryptionKeys__bench=YmVuY2gtb25seS13ZWJob29rLWtleS0zMi1ieXRlcyE= Webhooks__ActiveSecretKeyId=bench Logging__LogLevel__Default=Warning \
    dotnet "$1/Orbit.Host.dll" --urls "http://127.0.0.1:$3" >"$4" 2>&1 & echo $!
}
wait_ready() { for _ in $(seq 1 480); do curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "host on $1 not ready" >&2; return 1; }
token() { curl -fs -H 'Content-Type: application/json' -d '{"email":"admin@bench.orbit","password":"bench-admin-password"}' "http://127.0.0.1:$1/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])'; }
project() { # port token key -> project id, with a webhook to the receiver for every event
  local id
  id=$(curl -fs -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{\"key\":\"$3\",\"name\":\"Bench $3\"}" "http://127.0.0.1:$1/api/v1/projects" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -fs -o /dev/null -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook\",\"events\":[\"*\"]}" "http://127.0.0.1:$1/api/v1/projects/$id/webhooks"
  echo "$id"
}
pending_sql="select (select count(*) from tasks.outbox_messages where processed_at is null and dead_at is null) + (select count(*) from projects.outbox_messages where processed_at is null and dead_at is null)"
# Webhooks moved from the notifications schema to its own (ADR 0012); the baseline still has them in notifications.
deliveries() { psql_ "$1" "select coalesce(to_regclass('webhooks.webhook_deliveries')::text, 'notifications.webhook_deliveries')"; }
wait_drained() { for _ in $(seq 1 $((DRAIN_CAP * 4))); do [ "$(psql_ "$1" "$pending_sql")" = 0 ] && return 0; sleep 0.25; done; return 1; }

statements() { # variant db token
  local project_id before after creates events
  project_id=$(project "$PORT_A" "$3" "S${1^^}")
  wait_drained "$2" || true; sleep 2
  psql_ postgres "select pg_stat_statements_reset()" >/dev/null
  python3 "$HERE/drive.py" "http://127.0.0.1:$PORT_A" "$3" "$project_id" "$LIGHT_RATE" "$LIGHT_SECONDS" 4 create >/dev/null
  # Until audit has every create and every webhook is sent (not processed_at: the baseline may not set it), then 2 s.
  local deliveries_table; deliveries_table=$(deliveries "$2")
  for _ in $(seq 1 $((DRAIN_CAP * 4))); do
    [ "$(psql_ "$2" "select (select count(*) from audit.entries where project_id = '$project_id' and event_type = 'task.created') = (select count(*) from tasks.outbox_messages where type = 'task.created' and payload->>'projectId' = '$project_id') and not exists (select 1 from $deliveries_table where status = 'pending')")" = t ] && break
    sleep 0.25
  done
  sleep 2
  local db_oid; db_oid=$(psql_ postgres "select oid from pg_database where datname = '$2'")
  creates=$(psql_ "$2" "select count(*) from tasks.outbox_messages where type = 'task.created' and payload->>'projectId' = '$project_id'")
  events=$creates
  psql_ postgres "select format('%s | light load %s creates/s, 1 host | creates %s | statements %s | per create %s | load %s', '$1', $LIGHT_RATE, $creates, sum(calls), round(sum(calls) / greatest($creates, 1)::numeric, 1), '$(load)') from pg_stat_statements where dbid = $db_oid and query not like '%pg_stat_statements%'" | tee -a "$WORK/results.txt"
  psql_ postgres "select calls, left(regexp_replace(query, '\s+', ' ', 'g'), 110) from pg_stat_statements where dbid = $db_oid order by calls desc limit 25" > "$WORK/$1-statements.txt"
}

measure() { # variant db token hosts rate
  local project_id started ended backlog drain run="$1-$4h-r$5"
  project_id=$(project "$PORT_A" "$3" "R$(echo "$RANDOM$RANDOM" | cut -c1-6)")
  wait_drained "$2" || true
  started=$(date +%s.%N)
  if [ "$4" = 1 ]; then
    python3 "$HERE/drive.py" "http://127.0.0.1:$PORT_A" "$3" "$project_id" "$5" "$SECONDS_PER_RATE" >"$WORK/$run.drive"
  else
    python3 "$HERE/drive.py" "http://127.0.0.1:$PORT_A" "$3" "$project_id" "$(($5 / 2))" "$SECONDS_PER_RATE" >"$WORK/$run.drive" &
    local other=$!
    python3 "$HERE/drive.py" "http://127.0.0.1:$PORT_B" "$3" "$project_id" "$(($5 / 2))" "$SECONDS_PER_RATE" >>"$WORK/$run.drive"
    wait "$other"
  fi
  ended=$(date +%s.%N)
  local load_end; load_end=$(load)
  backlog=$(psql_ "$2" "$pending_sql")
  if wait_drained "$2"; then drain=$(python3 -c "import time; print(f'{time.time() - $ended:.1f}')"); else drain=">$DRAIN_CAP"; fi
  sleep 1
  local deliveries_table; deliveries_table=$(deliveries "$2")
  psql_ "$2" "
    with w as (select extract(epoch from delivered_at - occurred_at) as s, delivered_at, occurred_at from $deliveries_table where payload->>'projectId' = '$project_id' and delivered_at is not null),
         a as (select extract(epoch from recorded_at - occurred_at) as s, recorded_at, occurred_at from audit.entries where project_id = '$project_id' and event_type <> 'project.created'),
         e as (select count(*) as n from tasks.outbox_messages where payload->>'projectId' = '$project_id')
    select format('%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s',
      '$1', $4, $5, round((select n from e) / $(python3 -c "import json; print(max(json.loads(l)['seconds'] for l in open('$WORK/$run.drive') if l.strip()))")::numeric, 0),
      (select round(count(*) / greatest(extract(epoch from max(recorded_at) - min(occurred_at)), 0.001)::numeric, 0) from a),
      (select round(count(*) / greatest(extract(epoch from max(delivered_at) - min(occurred_at)), 0.001)::numeric, 0) from w),
      (select round(percentile_cont(0.5) within group (order by s)::numeric, 3) from w),
      (select round(percentile_cont(0.95) within group (order by s)::numeric, 3) from w),
      (select round(max(s)::numeric, 3) from w),
      (select round(percentile_cont(0.95) within group (order by s)::numeric, 3) from a),
      $backlog, '$drain', '$load_end')" | tee -a "$WORK/results.txt"
}

echo "load average at start: $(load)" | tee "$WORK/results.txt"
for variant in $VARIANTS; do
  dir=$NEW; [ "$variant" != new ] && dir=$OLD  # any other name: the baseline dir
  db="orbit_$variant"; psql_ postgres "create database $db"
  a=$(start_host "$dir" "$db" "$PORT_A" "$WORK/$variant-a.log"); PIDS+=("$a"); wait_ready "$PORT_A"
  tok=$(token "$PORT_A")
  statements "$variant" "$db" "$tok"
  if [ -n "${ONLY_STATEMENTS:-}" ]; then kill "$a"; wait "$a" 2>/dev/null || true; continue; fi
  echo "variant | hosts | writes/s asked | events/s in (done / driver wall time) | audit events/s | webhook events/s | webhook p50 s | p95 s | max s | audit p95 s | backlog at end | drain s | load avg" | tee -a "$WORK/results.txt"
  for rate in $RATES; do measure "$variant" "$db" "$tok" 1 "$rate"; done
  if [ -n "$TWO_HOST_RATES" ]; then
    b=$(start_host "$dir" "$db" "$PORT_B" "$WORK/$variant-b.log"); PIDS+=("$b"); wait_ready "$PORT_B"
    for rate in $TWO_HOST_RATES; do measure "$variant" "$db" "$tok" 2 "$rate"; done
    kill "$b"; wait "$b" 2>/dev/null || true
  fi
  kill "$a"; wait "$a" 2>/dev/null || true
done
echo "results in $WORK/results.txt"
