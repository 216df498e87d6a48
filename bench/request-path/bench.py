#!/usr/bin/python3
"""Orbit vs its peers, side by side in one run. Started by run.sh; see README.md.

Starts (and at the end stops) only what it starts: PostgreSQL on $PGPORT, Orbit, the raw peer, the FastAPI peer.
Seeds through seed.sh, then measures in interleaved rounds and prints one line per figure:
  P1/P2  GET task by key   Orbit | raw(a) no auth | raw(b) JWT+membership | FastAPI        wrk -t2 -c32
  P3     keyset pages       Orbit first page vs a page 10,000 rows deep (nextCursor followed), 4 queries, -c8
  P4     create task        Orbit | raw(c) | FastAPI                                        wrk -t2 -c8
  P6     Orbit RSS idle / peak under P1, start-up time to /health/ready
  PG     pgbench -S scale 10 -c32 -j2 -T15 on the same server
  SQL    statements per GET by key (pg_stat_statements)
  PROF   Orbit P1 with tracing sampled off / the whole OpenTelemetry SDK off (settings only)
Each measured run also reports the 1-min load average before it and the CPU other jobs used during it
("others", in cores, from /proc/stat minus the CPU of everything this script started), and the CPU the server and
PostgreSQL spent per request.
"""
import argparse
import base64
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("PERF_WORK", "/tmp/perf")
PG_BIN = "/usr/lib/postgresql/15/bin"
PGPORT = int(os.environ.get("PGPORT", "56201"))
ORBIT_PORT, RAW_PORT, FASTAPI_PORT = 56280, 56281, 56282
# The base build (before), started beside ORBIT's build (after) when BASE_APP names its publish folder (run.sh does
# with --base): both serve the same database, so before and after are measured in the same run, interleaved.
BASE_PORT = 56290
BASE_APP = os.environ.get("BASE_APP", "")
HZ = os.sysconf("SC_CLK_TCK")
PASSWORD = "bench password 123"
RESULTS = []
STARTED = {}  # name -> Popen, for the stop at the end


def log(line):
    print(line, flush=True)


# ---------------------------------------------------------------- processes and CPU accounting

def read_env_file(path):
    env = {}
    for line in open(path):
        m = re.match(r'\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$', line)
        if m:
            env[m.group(1)] = m.group(2).strip().strip('"')
    return env


def stat_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    # fields after comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return rest[1], int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = stat_of(d)
            if st:
                kids.setdefault(int(st[0]), []).append(int(d))
    return kids


def tree_cpu(roots):
    """Jiffies of the process trees under roots: live processes plus what reaped children left in cutime."""
    kids = children_map()
    total, seen, stack = 0, set(), [r for r in roots if r]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        st = stat_of(pid)
        if not st:
            continue
        total += st[1] + (st[2] if pid in roots else 0)
        stack.extend(kids.get(pid, []))
    return total


def busy_jiffies():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]) - v[3] - v[4]  # all but idle and iowait


def loadavg():
    return float(open("/proc/loadavg").read().split()[0])


def pg_pid():
    try:
        return int(open(f"{WORK}/pg/postmaster.pid").readline())
    except OSError:
        return None


def mine_roots():
    return [pg_pid()] + [p.pid for p in STARTED.values() if p and p.poll() is None]


class CpuWindow:
    """CPU used during a window: everything busy, ours by tree, the rest is other jobs."""

    def __init__(self, server_pid=None):
        self.server_pid = server_pid
        self.t0 = time.time()
        self.busy0 = busy_jiffies()
        self.mine0 = tree_cpu(mine_roots())
        self.self0 = sum(os.times()[:2])
        self.server0 = tree_cpu([server_pid]) if server_pid else 0
        self.pg0 = tree_cpu([pg_pid()])

    def close(self, child_jiffies=0.0):
        secs = time.time() - self.t0
        busy = busy_jiffies() - self.busy0
        mine = tree_cpu(mine_roots()) - self.mine0 + (sum(os.times()[:2]) - self.self0) * HZ + child_jiffies
        return {
            "others_cores": max(0.0, (busy - mine) / HZ / secs),
            "server_cpu_s": (tree_cpu([self.server_pid]) - self.server0) / HZ if self.server_pid else 0.0,
            "pg_cpu_s": (tree_cpu([pg_pid()]) - self.pg0) / HZ,
        }


def quiet_window(seconds=10):
    w = CpuWindow()
    time.sleep(seconds)
    return w.close()["others_cores"]


def wait_quiet(limit_s, threshold, recheck_s):
    """Wait while other jobs keep the CPUs busy (checks every recheck_s, gives up after limit_s)."""
    start = time.time()
    while True:
        others, load = quiet_window(10), loadavg()
        log(f"QUIET check others_cores={others:.2f} load1={load:.2f} waited_s={time.time() - start:.0f}")
        if others <= threshold or time.time() - start + recheck_s > limit_s:
            return others, load
        time.sleep(recheck_s)


# ---------------------------------------------------------------- HTTP helpers

def http(method, url, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, None, dict(e.headers)


def wait_ready(url, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.time() - t0
        except Exception:
            pass
        time.sleep(0.05)
    raise SystemExit(f"not ready: {url}")


def login():
    status, body, _ = http("POST", f"http://127.0.0.1:{ORBIT_PORT}/api/v1/auth/login",
                           {"email": "member@perf.test", "password": PASSWORD})
    assert status == 200, status
    return body["accessToken"]


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def hwm_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- services

def orbit_env(extra=None):
    env = dict(os.environ)
    env.update(read_env_file(f"{HERE}/orbit.env"))
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    env.update(extra or {})
    return env


def start_pg():
    if pg_pid() and os.path.exists(f"/proc/{pg_pid()}"):
        return
    if not os.path.exists(f"{WORK}/pg/PG_VERSION"):
        os.makedirs(f"{WORK}/pg", exist_ok=True)
        subprocess.run(["chown", "postgres", WORK, f"{WORK}/pg"], check=True)
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", f"{WORK}/pg", "-A", "trust",
                        "-U", "postgres", "-E", "UTF8", "--no-locale"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", f"{WORK}/pg", "-o",
                    f"-p {PGPORT} -k {WORK} -c max_connections=300 -c shared_buffers=1GB "
                    "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all",
                    "-l", f"{WORK}/pg.log", "-w", "start"], check=True, stdout=subprocess.DEVNULL)
    STARTED["postgres"] = None
    psql("select 1", db="postgres")
    if psql("select count(*) from pg_database where datname = 'orbit'", db="postgres") == "0":
        psql("create database orbit", db="postgres")


def stop_pg():
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", f"{WORK}/pg", "-m", "fast", "stop"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def psql(sql, db="orbit"):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PGPORT), "-U", "postgres", "-d", db, "-qtAX",
                          "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


# Settings for ORBIT's build only (not the base), as JSON: e.g. '{"ConnectionStrings__Postgres": "...;No Reset On Close=true"}'
# to measure a default of the new build on a build published before it was fixed.
HEAD_ENV = json.loads(os.environ.get("ORBIT_HEAD_ENV", "{}"))


def start_orbit(extra=None, tag="orbit", cwd=None):
    extra = {**HEAD_ENV, **(extra or {})}
    stop("orbit")
    t0 = time.time()
    p = subprocess.Popen(["dotnet", f"{WORK}/app/Orbit.Host.dll"], cwd=cwd or f"{WORK}/app", env=orbit_env(extra),
                         stdout=open(f"{WORK}/{tag}.log", "w"), stderr=subprocess.STDOUT)
    STARTED["orbit"] = p
    wait_ready(f"http://127.0.0.1:{ORBIT_PORT}/health/ready")
    ready = time.time() - t0
    time.sleep(5)  # settle: JIT of start-up paths, the relay's first rounds
    return p, ready, rss_kb(p.pid)


def start_base():
    """The base build (before) on BASE_PORT, same settings and database as Orbit."""
    stop("orbit_base")
    t0 = time.time()
    p = subprocess.Popen(["dotnet", f"{BASE_APP}/Orbit.Host.dll"], cwd=BASE_APP,
                         env=orbit_env({"ASPNETCORE_URLS": f"http://127.0.0.1:{BASE_PORT}"}),
                         stdout=open(f"{WORK}/orbit-base.log", "w"), stderr=subprocess.STDOUT)
    STARTED["orbit_base"] = p
    wait_ready(f"http://127.0.0.1:{BASE_PORT}/health/ready")
    ready = time.time() - t0
    time.sleep(5)
    return p, ready, rss_kb(p.pid)


def start_raw():
    env = orbit_env({"ASPNETCORE_URLS": f"http://127.0.0.1:{RAW_PORT}"})
    p = subprocess.Popen(["dotnet", f"{WORK}/raw-app/RawPeer.dll"], cwd=f"{WORK}/raw-app", env=env,
                         stdout=open(f"{WORK}/raw.log", "w"), stderr=subprocess.STDOUT)
    STARTED["raw"] = p
    wait_ready(f"http://127.0.0.1:{RAW_PORT}/raw/tasks/KEYS-1")
    return p


def start_fastapi():
    env = orbit_env()
    env["JWT_SIGNING_KEY"] = env["Jwt__SigningKey"]
    env["DATABASE_URL"] = f"postgresql+asyncpg://postgres@127.0.0.1:{PGPORT}/orbit"
    p = subprocess.Popen(["/usr/bin/python3", "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port",
                          str(FASTAPI_PORT), "--workers", "2", "--loop", "uvloop", "--http", "httptools",
                          "--no-access-log", "--log-level", "warning"],
                         cwd=f"{HERE}/fastapi-peer", env=env, stdout=open(f"{WORK}/fastapi.log", "w"),
                         stderr=subprocess.STDOUT, start_new_session=True)
    STARTED["fastapi"] = p
    wait_ready(f"http://127.0.0.1:{FASTAPI_PORT}/docs")
    return p


def stop(name):
    p = STARTED.pop(name, None)
    if name == "postgres":
        stop_pg()
        return
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)  # uvicorn's master stops its own workers on SIGTERM
        try:
            p.wait(40)
        except subprocess.TimeoutExpired:
            p.kill()


def stop_all():
    for name in ["orbit", "orbit_base", "raw", "fastapi"]:
        stop(name)
    if "postgres" in STARTED:
        stop("postgres")


# ---------------------------------------------------------------- wrk

def wrk(url, mode, token, arg=None, conns=32, secs=15, threads=2):
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{secs}s", "--timeout", "10s", "-s", f"{HERE}/bench.lua", url,
           "--", mode, token or "-"] + ([arg] if arg else [])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout.read()
    _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0
    m = re.search(r"RESULT (.*)", out)
    if not m:
        raise SystemExit(f"wrk failed: {out}")
    r = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    return {
        "requests": int(r["requests"]), "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000, "mean_ms": r["mean_us"] / 1000,
        "errors": int(r["status_err"] + r["sock_err"]), "wrk_jiffies": (ru.ru_utime + ru.ru_stime) * HZ,
    }


def measure(figure, target, url, mode, token, arg=None, conns=32, secs=15, warm=5, server_pid=None, rnd=0,
            rss_pid=None, extra=None):
    if warm:
        wrk(url, mode, token, arg, conns, warm)
    load = loadavg()
    peak = [0]
    stop_flag = threading.Event()
    if rss_pid:
        def sample():
            while not stop_flag.wait(0.5):
                peak[0] = max(peak[0], rss_kb(rss_pid))
        threading.Thread(target=sample, daemon=True).start()
    cpu = CpuWindow(server_pid)
    r = wrk(url, mode, token, arg, conns, secs)
    c = cpu.close(r.pop("wrk_jiffies"))
    stop_flag.set()
    row = {"figure": figure, "round": rnd, "target": target, **r, "load1": load,
           "others_cores": c["others_cores"],
           "server_cpu_ms_per_req": 1000 * c["server_cpu_s"] / max(1, r["requests"]),
           "pg_cpu_ms_per_req": 1000 * c["pg_cpu_s"] / max(1, r["requests"]), **(extra or {})}
    if rss_pid:
        row["peak_rss_mb"] = peak[0] / 1024
    RESULTS.append(row)
    log(f"{figure} round={rnd} target={target} rps={row['rps']:.0f} p50_ms={row['p50_ms']:.2f} "
        f"p99_ms={row['p99_ms']:.2f} errors={row['errors']} load1={load:.2f} others_cores={row['others_cores']:.2f} "
        f"server_cpu_ms/req={row['server_cpu_ms_per_req']:.3f} pg_cpu_ms/req={row['pg_cpu_ms_per_req']:.3f}"
        + (f" peak_rss_mb={row['peak_rss_mb']:.0f}" if rss_pid else "") + (f" c={conns}" if conns != 32 else ""))
    return row


# ---------------------------------------------------------------- phases

def warm_up_all(token, state, urls):
    """Once after start: JIT tiering and PGO of every server and endpoint, so round 1 does not measure warm-up
    (a freshly started Orbit needs well over 15 s of load to reach its steady rate)."""
    o, raw, fa = (f"http://127.0.0.1:{p}" for p in (ORBIT_PORT, RAW_PORT, FASTAPI_PORT))
    make = state["MAKE_ID"]
    body = json.dumps({"title": "Warm-up task", "priority": "low"})
    for url in [o] + ([f"http://127.0.0.1:{BASE_PORT}"] if BASE_APP else []):
        wrk(url, "keys", token, "/api/v1/tasks/", secs=30)
        for first, deep in (urls or {}).values():
            wrk(on_port(first, url), "get", token, conns=8, secs=3)
            wrk(on_port(deep, url), "get", token, conns=8, secs=3)
        wrk(f"{url}/api/v1/projects/{make}/tasks", "post", token, body, conns=8, secs=5)
    wrk(raw, "keys", None, "/raw/tasks/", secs=10)
    wrk(raw, "keys", token, "/auth/tasks/", secs=10)
    wrk(f"{raw}/auth/projects/{make}/tasks", "post", token, body, conns=8, secs=5)
    wrk(fa, "keys", token, "/api/v1/tasks/", secs=10)
    wrk(f"{fa}/api/v1/projects/{make}/tasks", "post", token, body, conns=8, secs=5)
    t0 = time.time()
    while outbox_pending() and time.time() - t0 < 600:
        time.sleep(0.5)
    log("warm-up of every server and endpoint done")


def on_port(url, base):
    """The same URL on another server (base: scheme://host:port)."""
    return base + url[url.index("/", len("http://")):]


def p1_round(rnd, token, args):
    o = f"http://127.0.0.1:{ORBIT_PORT}"
    raw = f"http://127.0.0.1:{RAW_PORT}"
    fa = f"http://127.0.0.1:{FASTAPI_PORT}"
    orbit_pid = STARTED["orbit"].pid
    runs = [("P1", "orbit", o, token, "/api/v1/tasks/", orbit_pid, orbit_pid),
            ("P1", "raw_a", raw, None, "/raw/tasks/", STARTED["raw"].pid, None),
            ("P1", "raw_b", raw, token, "/auth/tasks/", STARTED["raw"].pid, None),
            ("P2", "fastapi", fa, token, "/api/v1/tasks/", STARTED["fastapi"].pid, None)]
    if BASE_APP:
        base_pid = STARTED["orbit_base"].pid
        runs.insert(1, ("P1", "orbit_base", f"http://127.0.0.1:{BASE_PORT}", token, "/api/v1/tasks/", base_pid, base_pid))
    if rnd % 2 == 0:
        runs.reverse()  # alternate the order so that a drift in the background load does not favour one side
    for figure, target, url, tok, prefix, pid, rss_pid in runs:
        measure(figure, target, url, "keys", tok, prefix, rnd=rnd, server_pid=pid, rss_pid=rss_pid,
                secs=args.secs, warm=args.warm)


P3_CASES = [("created", {}), ("-priority", {"sort": "-priority"}), ("due", {"sort": "due"}), ("q=invoice", {"q": "invoice"})]


def p3_urls(state, token, depth):
    base = f"http://127.0.0.1:{ORBIT_PORT}/api/v1/projects/{state['BENCH_ID']}/tasks"
    urls = {}
    for name, params in P3_CASES:
        cursor, seen = None, 0
        while seen < depth:
            q = dict(params, limit=100, **({"cursor": cursor} if cursor else {}))
            status, body, _ = http("GET", f"{base}?{urllib.parse.urlencode(q)}", token=token)
            assert status == 200 and body["nextCursor"], (name, status)
            seen += len(body["items"])
            cursor = body["nextCursor"]
        first = f"{base}?{urllib.parse.urlencode(dict(params, limit=25))}"
        deep = f"{base}?{urllib.parse.urlencode(dict(params, limit=25, cursor=cursor))}"
        for u in (first, deep):
            status, body, _ = http("GET", u, token=token)
            assert status == 200 and len(body["items"]) == 25, (u, status)
        urls[name] = (first, deep)
    return urls


def p3_round(rnd, token, urls, args):
    servers = [("", "orbit", f"http://127.0.0.1:{ORBIT_PORT}")]
    if BASE_APP:
        servers.append(("base:", "orbit_base", f"http://127.0.0.1:{BASE_PORT}"))
        if rnd % 2 == 0:
            servers.reverse()
    for name, (first, deep) in urls.items():
        for tag, server, url in servers:
            pid = STARTED[server].pid
            a = measure("P3", f"{tag}{name}:first", on_port(first, url), "get", token, conns=8, secs=args.p3_secs,
                        warm=3, rnd=rnd, server_pid=pid, extra={"query": name, "page": "first", "server": server})
            b = measure("P3", f"{tag}{name}:deep10k", on_port(deep, url), "get", token, conns=8, secs=args.p3_secs,
                        warm=3, rnd=rnd, server_pid=pid, extra={"query": name, "page": "deep", "server": server})
            log(f"P3 round={rnd} server={server} query={name} deep/first p50={b['p50_ms'] / a['p50_ms']:.2f} "
                f"p99={b['p99_ms'] / a['p99_ms']:.2f} rps={b['rps'] / a['rps']:.2f}")


OUTBOX_SCHEMAS = []


def outbox_pending():
    """Events not yet handled by every consumer: messages the relay has not handed out yet plus live per-consumer
    deliveries (outbox_deliveries, src/Shared/Events/Schema/0300_*). The shared driver counted
    outbox_messages.processed_at, which the per-consumer relay no longer sets, so its drain check never ended."""
    if not OUTBOX_SCHEMAS:
        OUTBOX_SCHEMAS.extend(psql("select schemaname from pg_tables where tablename = 'outbox_deliveries' "
                                   "order by 1").split())
    parts = [f"(select count(*) from {s}.outbox_messages where dispatched_at is null and dead_at is null)"
             f" + (select count(*) from {s}.outbox_deliveries where dead_at is null)" for s in OUTBOX_SCHEMAS]
    return int(psql("select " + (" + ".join(parts) or "0")))


def p4_round(rnd, token, state, args):
    body = json.dumps({"title": "Fix invoice export bug", "description": "Created by the benchmark.",
                       "priority": "high", "labels": ["backend"]})
    make = state["MAKE_ID"]
    servers = [("orbit", ORBIT_PORT)] + ([("orbit_base", BASE_PORT)] if BASE_APP else [])
    if rnd % 2 == 0:
        servers.reverse()
    for server, port in servers:
        row = measure("P4", server, f"http://127.0.0.1:{port}/api/v1/projects/{make}/tasks", "post", token, body,
                      conns=8, secs=args.secs, warm=3, rnd=rnd, server_pid=STARTED[server].pid)
        t0, pending = time.time(), outbox_pending()
        while outbox_pending() and time.time() - t0 < 600:
            time.sleep(0.5)
        row["outbox_pending_at_end"] = pending
        row["outbox_drain_s"] = time.time() - t0
        log(f"P4 round={rnd} target={server} outbox_pending_at_end={pending} drained_after_s={row['outbox_drain_s']:.1f}")
    measure("P4", "raw_c", f"http://127.0.0.1:{RAW_PORT}/auth/projects/{make}/tasks", "post", token, body,
            conns=8, secs=args.secs, warm=3, rnd=rnd, server_pid=STARTED["raw"].pid)
    measure("P4", "fastapi", f"http://127.0.0.1:{FASTAPI_PORT}/api/v1/projects/{make}/tasks", "post", token, body,
            conns=8, secs=args.secs, warm=3, rnd=rnd, server_pid=STARTED["fastapi"].pid)


def pgbench_round(rnd):
    load = loadavg()
    cpu = CpuWindow()
    out = subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(PGPORT), "-U", "postgres", "-S", "-c32", "-j2",
                          "-T15", "pgbench"], capture_output=True, text=True).stdout
    c = cpu.close()
    tps = float(re.search(r"tps = ([\d.]+) \(without initial", out).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    RESULTS.append({"figure": "PG", "round": rnd, "target": "pgbench -S", "rps": tps, "mean_ms": lat, "load1": load,
                    "others_cores": c["others_cores"]})
    log(f"PG round={rnd} target=pgbench-S tps={tps:.0f} latency_avg_ms={lat:.2f} load1={load:.2f} "
        f"others_cores={c['others_cores']:.2f}")


def sql_per_request(target, url, token, prefix):
    psql("create extension if not exists pg_stat_statements")
    psql("select pg_stat_statements_reset()")
    r = wrk(url, "keys", token, prefix, conns=4, secs=3, threads=1)
    rows = psql("select calls, regexp_replace(left(query, 110), '\\s+', ' ', 'g') from pg_stat_statements s "
                "join pg_database d on d.oid = s.dbid where d.datname = 'orbit' and query not like '%pg_stat_statements%' "
                "order by calls desc")
    n = r["requests"]
    per_request, total = 0.0, 0
    lines = []
    for line in rows.splitlines():
        calls, query = line.split("|", 1)
        calls = int(calls)
        total += calls
        if calls >= 0.5 * n:
            per_request += calls / n
            lines.append(f"    {calls / n:.2f}/req  {query}")
    RESULTS.append({"figure": "SQL", "target": target, "requests": n, "statements_per_request": per_request,
                    "all_statements": total, "statements": lines})
    log(f"SQL target={target} requests={n} statements_per_request={per_request:.2f} "
        f"(all statements in the window incl. background: {total})")
    for l in lines:
        log(l)


def sql_per_create(target, create_url, token):
    """Statements per create, including what the outbox relay runs for it afterwards (waits for the drain)."""
    body = json.dumps({"title": "Count statements", "priority": "low"})
    psql("create extension if not exists pg_stat_statements")
    psql("select pg_stat_statements_reset()")
    r = wrk(create_url, "post", token, body, conns=4, secs=3, threads=1)
    t0 = time.time()
    while outbox_pending() and time.time() - t0 < 300:
        time.sleep(0.5)
    time.sleep(1)
    rows = psql("select calls, regexp_replace(left(query, 100), '\\s+', ' ', 'g') from pg_stat_statements s "
                "join pg_database d on d.oid = s.dbid where d.datname = 'orbit' and query not like '%pg_stat_statements%' "
                "and query not like '%outbox_deliveries where dead_at is null)%' order by calls desc")
    n = r["requests"]
    per, lines = 0.0, []
    for line in rows.splitlines():
        calls, query = line.split("|", 1)
        if int(calls) >= 0.5 * n:
            per += int(calls) / n
            lines.append(f"    {int(calls) / n:.2f}/create  {query}")
    RESULTS.append({"figure": "SQLC", "target": target, "requests": n, "statements_per_request": per, "statements": lines})
    log(f"SQLC target={target} creates={n} statements_per_create={per:.2f} (request and, for Orbit, the relay's delivery)")
    for l in lines:
        log(l)


def profile(token, args):
    """Orbit P1 under other settings (telemetry) or another working directory, each run next to raw(b) as the
    in-minute reference. Settings only: nothing in Orbit is changed."""
    raw = f"http://127.0.0.1:{RAW_PORT}"
    o = f"http://127.0.0.1:{ORBIT_PORT}"
    variants = [("orbit-as-shipped", {}, None),
                ("orbit-traces-sampled-off", {"OTEL_TRACES_SAMPLER": "always_off"}, None),
                ("orbit-otel-sdk-off", {"OTEL_SDK_DISABLED": "true"}, None),
                ("orbit-started-outside-app-dir", {}, WORK)]
    for name, extra, cwd in variants:
        p, ready, _ = start_orbit(extra, tag=name, cwd=cwd)
        tok = login()
        measure("PROF", name, o, "keys", tok, "/api/v1/tasks/", server_pid=p.pid, secs=args.secs, warm=args.prof_warm,
                extra={"settings": extra, "cwd": cwd or "app dir"})
        measure("PROF", f"raw_b(ref {name})", raw, "keys", tok, "/auth/tasks/", server_pid=STARTED["raw"].pid,
                secs=args.secs, warm=args.warm, extra={"ref_for": name})
    start_orbit()


def p4_relay_split(token, state, args):
    """Where a create's cost goes: Orbit restarted with its outbox relay off (Outbox__Enabled=false: the request writes
    the task and its outbox row, nothing delivers them), next to raw(c); then restarted as shipped, which drains."""
    body = json.dumps({"title": "Fix invoice export bug", "description": "Created by the benchmark.",
                       "priority": "high", "labels": ["backend"]})
    make = state["MAKE_ID"]
    base_running = "orbit_base" in STARTED
    stop("orbit_base")  # its relay would deliver the events: no relay may run during this measurement
    p, _, _ = start_orbit({"Outbox__Enabled": "false"}, tag="orbit-relay-off")
    tok = login()
    wrk(f"http://127.0.0.1:{ORBIT_PORT}/api/v1/tasks/", "keys", tok, "/api/v1/tasks/", secs=10)  # JIT warm-up
    measure("P4R", "orbit-relay-off", f"http://127.0.0.1:{ORBIT_PORT}/api/v1/projects/{make}/tasks", "post", tok, body,
            conns=8, secs=args.secs, warm=10, server_pid=p.pid, extra={"settings": {"Outbox__Enabled": "false"}})
    measure("P4R", "raw_c(ref relay-off)", f"http://127.0.0.1:{RAW_PORT}/auth/projects/{make}/tasks", "post", tok, body,
            conns=8, secs=args.secs, warm=3, server_pid=STARTED["raw"].pid)
    start_orbit()
    if base_running:
        start_base()
    t0 = time.time()
    while outbox_pending() and time.time() - t0 < 600:
        time.sleep(0.5)
    log(f"P4R relay back on: backlog drained after {time.time() - t0:.1f} s")


def summary():
    log("---- summary (per round; ratios taken within the round) ----")
    by = {}
    for r in RESULTS:
        by.setdefault((r["figure"], r.get("round"), r["target"]), r)
    rounds = sorted({r.get("round") for r in RESULTS if r["figure"] == "P1"})
    for rnd in rounds:
        o, a, b, f = (by.get(("P1", rnd, "orbit")), by.get(("P1", rnd, "raw_a")), by.get(("P1", rnd, "raw_b")),
                      by.get(("P2", rnd, "fastapi")))
        if o and a and b:
            log(f"RATIO round={rnd} P1 orbit/raw_a rps={o['rps'] / a['rps']:.2f} p99={o['p99_ms'] / a['p99_ms']:.2f} | "
                f"orbit/raw_b rps={o['rps'] / b['rps']:.2f} p99={o['p99_ms'] / b['p99_ms']:.2f}")
        if o and f:
            log(f"RATIO round={rnd} P2 orbit/fastapi rps={o['rps'] / f['rps']:.2f} p99={o['p99_ms'] / f['p99_ms']:.2f}")
        o, c, f = by.get(("P4", rnd, "orbit")), by.get(("P4", rnd, "raw_c")), by.get(("P4", rnd, "fastapi"))
        if o and c and f:
            log(f"RATIO round={rnd} P4 orbit/raw_c rps={o['rps'] / c['rps']:.2f} p99={o['p99_ms'] / c['p99_ms']:.2f} | "
                f"orbit/fastapi rps={o['rps'] / f['rps']:.2f} p99={o['p99_ms'] / f['p99_ms']:.2f}")
        for fig in ("P1", "P4"):
            o, b = by.get((fig, rnd, "orbit")), by.get((fig, rnd, "orbit_base"))
            if o and b:
                log(f"RATIO round={rnd} {fig} orbit/orbit_base (after/before) rps={o['rps'] / b['rps']:.2f} "
                    f"p99={o['p99_ms'] / b['p99_ms']:.2f}")
        pg, o = by.get(("PG", rnd, "pgbench -S")), by.get(("P1", rnd, "orbit"))
        if pg and o:
            log(f"RATIO round={rnd} P1 orbit/pgbench-S rps={o['rps'] / pg['rps']:.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--secs", type=int, default=15)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--p3-secs", type=int, default=10)
    ap.add_argument("--prof-warm", type=int, default=30, help="warm-up of a freshly restarted Orbit in the PROF runs")
    ap.add_argument("--wait-quiet", type=int, default=2700, help="max seconds in all to wait for other jobs to quieten")
    ap.add_argument("--quiet-threshold", type=float, default=0.75, help="others' CPU (cores) counted as quiet")
    ap.add_argument("--phases", default="p1,p3,p4,pg,sql,p4relay,prof")
    ap.add_argument("--keep", action="store_true", help="leave the services running")
    args = ap.parse_args()
    phases = set(args.phases.split(","))
    try:
        start_pg()
        p, ready, idle_rss = start_orbit()
        log(f"P6 orbit start-up to /health/ready: {ready:.2f} s (migrations already applied: "
            f"{psql('select count(*) from tasks.schema_versions') != '0'}) idle_rss_mb={idle_rss / 1024:.0f}")
        RESULTS.append({"figure": "P6", "target": "orbit", "startup_s": ready, "idle_rss_mb": idle_rss / 1024})
        subprocess.run([f"{HERE}/seed.sh"], check=True)
        if BASE_APP:
            _, ready_b, idle_b = start_base()
            log(f"P6 orbit_base start-up to /health/ready: {ready_b:.2f} s idle_rss_mb={idle_b / 1024:.0f}")
            RESULTS.append({"figure": "P6", "target": "orbit_base", "startup_s": ready_b, "idle_rss_mb": idle_b / 1024})
        start_raw()
        start_fastapi()
        state = read_env_file(f"{WORK}/state.env")
        if "pg" in phases and psql("select count(*) from pg_database where datname = 'pgbench'") == "0":
            psql("create database pgbench")
            subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(PGPORT), "-U", "postgres", "-i", "-s", "10", "-q",
                            "pgbench"], check=True, capture_output=True)
        token = login()
        urls = p3_urls(state, token, 10000) if "p3" in phases else None
        if "sql" in phases:
            sql_per_request("orbit", f"http://127.0.0.1:{ORBIT_PORT}", token, "/api/v1/tasks/")
            if BASE_APP:
                sql_per_request("orbit_base", f"http://127.0.0.1:{BASE_PORT}", token, "/api/v1/tasks/")
            sql_per_request("raw_b", f"http://127.0.0.1:{RAW_PORT}", token, "/auth/tasks/")
            sql_per_request("fastapi", f"http://127.0.0.1:{FASTAPI_PORT}", token, "/api/v1/tasks/")
            make = state["MAKE_ID"]
            sql_per_create("orbit", f"http://127.0.0.1:{ORBIT_PORT}/api/v1/projects/{make}/tasks", token)
            if BASE_APP:
                sql_per_create("orbit_base", f"http://127.0.0.1:{BASE_PORT}/api/v1/projects/{make}/tasks", token)
            sql_per_create("raw_c", f"http://127.0.0.1:{RAW_PORT}/auth/projects/{make}/tasks", token)
            sql_per_create("fastapi", f"http://127.0.0.1:{FASTAPI_PORT}/api/v1/projects/{make}/tasks", token)
        if phases & {"p1", "p3", "p4", "prof"}:
            warm_up_all(token, state, urls)
        budget_end = time.time() + args.wait_quiet

        def gate(label):
            """Wait (shared budget, rechecking every minute) while other jobs keep the CPUs busy."""
            remaining = budget_end - time.time()
            if remaining > 0:
                others, load = wait_quiet(remaining, args.quiet_threshold, 60)
            else:
                others, load = quiet_window(10), loadavg()
            log(f"ROUND {label} starts: others_cores(10 s idle)={others:.2f} load1={load:.2f}")
            RESULTS.append({"figure": "GATE", "round": label, "target": "-", "others_cores": others, "load1": load})

        for rnd in range(1, args.rounds + 1):
            gate(rnd)
            token = login()
            if "p1" in phases:
                p1_round(rnd, token, args)
                if rnd == 1:
                    pid = STARTED["orbit"].pid
                    log(f"P6 orbit peak RSS since start (VmHWM) after P1: {hwm_kb(pid) / 1024:.0f} MB, now {rss_kb(pid) / 1024:.0f} MB")
                    RESULTS.append({"figure": "P6", "target": "orbit", "vmhwm_after_p1_mb": hwm_kb(pid) / 1024})
            if "pg" in phases:
                pgbench_round(rnd)
            if BASE_APP and "p1" in phases:
                pid = STARTED["orbit_base"].pid
                RESULTS.append({"figure": "P6", "target": "orbit_base", "vmhwm_after_p1_mb": hwm_kb(pid) / 1024})
            if "p3" in phases:
                p3_round(rnd, token, urls, args)
            if "p4" in phases:
                p4_round(rnd, login(), state, args)
        if "p4relay" in phases:
            gate("p4relay")
            p4_relay_split(login(), state, args)
        if "prof" in phases:
            gate("prof")
            profile(login(), args)
        summary()
    finally:
        os.makedirs(f"{WORK}/results", exist_ok=True)
        out = f"{WORK}/results/results-{time.strftime('%Y%m%d-%H%M%S')}.json"
        os.makedirs(os.path.dirname(out), exist_ok=True)
        json.dump(RESULTS, open(out, "w"), indent=1, default=str)
        log(f"results: {out}")
        if not args.keep:
            stop_all()


if __name__ == "__main__":
    main()
