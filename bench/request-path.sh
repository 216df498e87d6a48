#!/usr/bin/env bash
# The request path against its peers: GET by key, lists (first page vs 10,000 rows deep), create, start-up, and SQL
# statements per request, all measured in one run with a raw Npgsql endpoint, a raw endpoint with JWT + membership,
# a FastAPI peer and pgbench as references (see bench/README.md). Runs the project's copy of the shared driver
# (bench/request-path/: the shared one's drain check waits on outbox_messages.processed_at, which the per-consumer relay
# no longer sets) on a clone of this repository's HEAD (commit first: uncommitted changes are not measured).
#   bench/request-path.sh                                  2 interleaved rounds, waits for a quiet machine
#   bench/request-path.sh --rounds 1 --wait-quiet 0        any option of the driver (bench.py --help)
#   bench/request-path.sh --base main --wait-quiet 0       before (main) and after (HEAD) in the same rounds
# Environment: ORBIT_BENCH_DRIVER (default: bench/request-path; ../shared/bench for the shared one), PERF_WORK
# (default /tmp/perf).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DRIVER=${ORBIT_BENCH_DRIVER:-$ROOT/bench/request-path}
if [ -z "$DRIVER" ]; then
  # ../shared/bench beside the main checkout; a worktree under wt/ finds it one level further up.
  for candidate in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do
    if [ -x "$candidate/run.sh" ]; then DRIVER=$(cd "$candidate" && pwd); break; fi
  done
fi
if [ -z "$DRIVER" ] || [ ! -x "$DRIVER/run.sh" ]; then
  echo "The shared benchmark driver is not at $DRIVER (set ORBIT_BENCH_DRIVER to its folder)." >&2
  exit 2
fi
cd "$ROOT"
exec "$DRIVER/run.sh" "$@"
