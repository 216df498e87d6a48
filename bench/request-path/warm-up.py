#!/usr/bin/python3
"""Start-to-full-speed of Orbit: from process spawn until GET by key (P1's load, wrk -t2 -c32) reaches 90 % of its
steady rate, under several JIT settings, interleaved. Uses bench.py's cluster, data and settings (run bench.py or
run.sh once first so that $PERF_WORK holds the seeded cluster and the published app).
  bench/request-path/warm-up.py [--rounds 2] [--secs 60] [--variants 0,3]
Per variant and round: spawn Orbit with the variant's environment, wait for /health/ready, then measure 1-second wrk
slices until --secs after spawn. steady = median of the last 20 slices; full speed = the first slice from which the
moving average of three slices stays >= 90 % of steady. Prints one line per run and writes
$PERF_WORK/results/warm-up-<time>.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the driver: cluster, settings, wrk, processes)

VARIANTS = [
    ("as published (ReadyToRun, tiered, PGO)", {}),
    ("ReadyToRun code ignored", {"DOTNET_ReadyToRun": "0"}),
    ("TieredPGO off", {"DOTNET_TieredPGO": "0"}),
    ("TieredCompilation off", {"DOTNET_TieredCompilation": "0"}),
    ("call counting without delay", {"DOTNET_TC_CallCountingDelayMs": "0"}),
    ("workstation GC", {"DOTNET_gcServer": "0"}),
]


def run_variant(name, env, token, secs):
    bench.stop("orbit")
    t0 = time.time()
    p = subprocess.Popen(["dotnet", f"{bench.WORK}/app/Orbit.Host.dll"], cwd=f"{bench.WORK}/app",
                         env=bench.orbit_env(env), stdout=open(f"{bench.WORK}/warm-up.log", "w"),
                         stderr=subprocess.STDOUT)
    bench.STARTED["orbit"] = p
    bench.wait_ready(f"http://127.0.0.1:{bench.ORBIT_PORT}/health/ready")
    ready = time.time() - t0
    load = bench.loadavg()
    slices = []
    while time.time() - t0 < secs:
        r = bench.wrk(f"http://127.0.0.1:{bench.ORBIT_PORT}", "keys", token, "/api/v1/tasks/", conns=32, secs=1)
        slices.append((round(time.time() - t0, 2), r["rps"], r["errors"]))
    rates = [s[1] for s in slices]
    steady = statistics.median(rates[-20:])
    full = None
    for i in range(len(rates) - 2):
        if all(statistics.mean(rates[j:j + 3]) >= 0.9 * steady for j in range(i, len(rates) - 2)):
            full = slices[i][0]
            break
    first5 = [s[1] for s in slices if s[0] <= ready + 5]
    row = {"variant": name, "env": env, "ready_s": ready, "steady_rps": steady, "full_speed_s": full,
           "rps_first_5s": statistics.mean(first5) if first5 else 0, "load1": load, "slices": slices}
    print(f"WARM variant={name!r} ready_s={ready:.1f} full_speed_s={full if full is None else round(full, 1)} "
          f"steady_rps={steady:.0f} rps_first_5s={row['rps_first_5s']:.0f} load1={load:.1f}", flush=True)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--secs", type=int, default=60)
    ap.add_argument("--variants", default="", help="comma-separated indexes into VARIANTS (0 = as published); all by default")
    args = ap.parse_args()
    variants = [VARIANTS[int(i)] for i in args.variants.split(",")] if args.variants else VARIANTS
    rows = []
    try:
        bench.start_pg()
        bench.start_orbit()
        token = bench.login()  # valid across restarts: same signing key, 15 minutes
        for rnd in range(args.rounds):
            order = variants if rnd % 2 == 0 else list(reversed(variants))
            for name, env in order:
                rows.append(dict(run_variant(name, env, token, args.secs), round=rnd + 1))
        for name, _ in variants:
            mine = [r for r in rows if r["variant"] == name]
            fulls = [r["full_speed_s"] for r in mine if r["full_speed_s"] is not None]
            print(f"SUMMARY variant={name!r} full_speed_s={[round(f, 1) for f in fulls]} "
                  f"steady_rps={[round(r['steady_rps']) for r in mine]} ready_s={[round(r['ready_s'], 1) for r in mine]}")
    finally:
        os.makedirs(f"{bench.WORK}/results", exist_ok=True)
        out = f"{bench.WORK}/results/warm-up-{time.strftime('%Y%m%d-%H%M%S')}.json"
        json.dump(rows, open(out, "w"), indent=1)
        print(f"results: {out}")
        bench.stop_all()


if __name__ == "__main__":
    main()
