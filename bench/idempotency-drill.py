#!/usr/bin/env python3
"""The crash-and-retry drill of issue 10, driven by bench/idempotency-drill.sh (which owns PostgreSQL and the build).

Clients create tasks with a fresh Idempotency-Key each under load; some hang up early (a short client timeout), the
host is killed with SIGKILL mid-load in each round (and, with --outages, the database is stopped mid-load), then the
host is restarted and every key is retried once with the same request, as a client that lost its connection would.
Afterwards every key must have exactly one task, and every retry must answer with the first result.

Reported: keys stuck (a retry still answered 409 idempotency.in_progress after the restart), duplicates (a key with
more than one task), mismatches (a retry answered another task than the first 201), 5xx answers during load and during
retries, truncated 2xx bodies, and reservations left in the table without a response.
"""
import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument("--app", required=True, help="path to Orbit.Host.dll")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--rounds", type=int, default=5, help="kill -9 the host this many times")
parser.add_argument("--outages", type=int, default=1, help="stop the database mid-load this many times")
parser.add_argument("--workers", type=int, default=8)
parser.add_argument("--abort-share", type=float, default=0.2, help="share of requests whose client hangs up early")
parser.add_argument("--psql", required=True, help="psql command line for the orbit database")
parser.add_argument("--pg-stop", required=True)
parser.add_argument("--pg-start", required=True)
parser.add_argument("--log", required=True)
args = parser.parse_args()

HOST = "127.0.0.1"
host_process = None


def start_host():
    # On a loaded machine a start can fail (the migrator's connection times out): the host exits, and is started again.
    global host_process
    for _ in range(5):
        log = open(args.log, "a")
        host_process = subprocess.Popen(["dotnet", args.app, "--urls", f"http://{HOST}:{args.port}"], stdout=log, stderr=log, env=os.environ.copy())
        deadline = time.time() + 180
        while time.time() < deadline and host_process.poll() is None:
            try:
                status, _, _ = call("GET", "/health/ready", timeout=2)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.5)
        if host_process.poll() is None:
            kill_host()
    raise SystemExit("the host did not become ready; see " + args.log)


def kill_host():
    host_process.send_signal(signal.SIGKILL)
    host_process.wait()


def call(method, path, body=None, token=None, key=None, timeout=30.0):
    connection = http.client.HTTPConnection(HOST, args.port, timeout=timeout)
    try:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = "Bearer " + token
        if key:
            headers["Idempotency-Key"] = key
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
    finally:
        connection.close()


def sign_in():
    for _ in range(30):
        try:
            status, _, body = call("POST", "/api/v1/auth/login", {"email": "drill@orbit.test", "password": "drill password 123"})
            if status == 200:
                return json.loads(body)["accessToken"]
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("cannot sign in")


def psql(sql):
    return subprocess.run(args.psql.split() + ["-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def parse_task(body):
    try:
        return json.loads(body)["id"]
    except (ValueError, KeyError, TypeError):
        return None


lock = threading.Lock()
first = {}  # key -> first outcome: ("201", id) | ("status", code) | ("error", text)
counts = {"load_5xx": 0, "load_truncated": 0, "requests": 0, "client_aborts": 0, "connection_errors": 0}


def worker(token, project, stop, phase):
    rng = random.Random()
    while not stop.is_set():
        key = str(uuid.uuid4())
        aborts = rng.random() < args.abort_share
        timeout = rng.uniform(0.005, 0.08) if aborts else 30.0
        try:
            status, _, body = call("POST", f"/api/v1/projects/{project}/tasks", {"title": key}, token, key, timeout)
            if status == 201:
                task = parse_task(body)
                outcome = ("201", task) if task else ("truncated", status)
            else:
                outcome = ("status", status)
        except http.client.IncompleteRead as error:
            # The status line and headers arrived, the body did not end: an answer that was cut off.
            outcome = ("incomplete", phase)
        except (OSError, http.client.HTTPException) as error:  # includes socket.timeout: the client hung up
            outcome = ("error", type(error).__name__)
        with lock:
            counts["requests"] += 1
            first[key] = outcome
            if outcome[0] == "truncated":
                counts["load_truncated"] += 1
            if outcome[0] == "incomplete":
                counts[f"cut_off_answers_{phase}"] = counts.get(f"cut_off_answers_{phase}", 0) + 1
            if outcome[0] == "status" and outcome[1] >= 500:
                counts["load_5xx"] += 1
                by_status = counts.setdefault("5xx_by_phase_and_status", {})
                by_status[f"{phase} {outcome[1]}"] = by_status.get(f"{phase} {outcome[1]}", 0) + 1
            if outcome[0] == "error":
                counts["client_aborts" if aborts else "connection_errors"] += 1


def load_round(token, project, fault, phase):
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(token, project, stop, phase)) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(1.5, 4.0))
    fault()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()


def outage():
    subprocess.run(args.pg_stop, shell=True, check=True, capture_output=True)
    time.sleep(2)
    subprocess.run(args.pg_start, shell=True, check=True, capture_output=True)


start_host()
call("POST", "/api/v1/auth/register", {"email": "drill@orbit.test", "password": "drill password 123", "displayName": "Drill"})
token = sign_in()
_, _, body = call("POST", "/api/v1/projects", {"key": "DRILL", "name": "Drill"}, token)
project = json.loads(body)["id"]

for round_number in range(args.outages):
    load_round(token, project, outage, "db_outage")
    print(f"outage {round_number + 1}/{args.outages}: {counts['requests']} requests so far", flush=True)
for round_number in range(args.rounds):
    load_round(token, project, kill_host, "kill")
    print(f"kill -9 {round_number + 1}/{args.rounds}: {counts['requests']} requests so far", flush=True)
    start_host()
    token = sign_in()

# Every key once more, as the client that lost its answer would: same request, same key. A key that answers 409
# in progress gets a second chance 3 s later (a live first request would be over by then; a stuck key is not).
retry_5xx = stuck = mismatches = retried = 0
other = {}


def retry(key):
    global retry_5xx
    for _ in range(5):
        try:
            status, _, body = call("POST", f"/api/v1/projects/{project}/tasks", {"title": key}, token, key)
        except (OSError, http.client.HTTPException):
            time.sleep(1)
            continue
        if status >= 500:
            with lock:
                retry_5xx += 1
            time.sleep(1)
            continue
        return status, body
    return None, b""


with ThreadPoolExecutor(args.workers) as pool:
    answers = dict(zip(first, pool.map(retry, first)))
in_progress = [key for key, (status, body) in answers.items() if status == 409 and b"idempotency.in_progress" in body]
if in_progress:
    time.sleep(3)
    with ThreadPoolExecutor(args.workers) as pool:
        answers.update(zip(in_progress, pool.map(retry, in_progress)))
for key, (status, body) in answers.items():
    outcome = first[key]
    retried += 1
    if status == 409 and b"idempotency.in_progress" in body:
        stuck += 1
    elif status == 201 and outcome[0] == "201" and parse_task(body) != outcome[1]:
        mismatches += 1
    elif status != 201:
        other[str(status)] = other.get(str(status), 0) + 1

titles = psql(f"select title from tasks.tasks where project_id = '{project}'").split()
tasks_per_key = {}
for title in titles:
    tasks_per_key[title] = tasks_per_key.get(title, 0) + 1
duplicates = sum(1 for key in first if tasks_per_key.get(key, 0) > 1)
extra_tasks = sum(max(0, tasks_per_key.get(key, 0) - 1) for key in first)
missing = sum(1 for key in first if key not in tasks_per_key)
unfinished = int(psql("select count(*) from tasks.idempotency_keys where status_code is null") or 0)
kill_host()

report = {
    "keys": len(first),
    "requests_under_load": counts["requests"],
    "client_hang_ups": counts["client_aborts"],
    "connection_errors_from_faults": counts["connection_errors"],
    "5xx_under_load": counts["load_5xx"],
    "5xx_under_load_by_phase": counts.get("5xx_by_phase_and_status", {}),
    "unparseable_2xx_under_load": counts["load_truncated"],
    "answers_cut_off_during_db_outage": counts.get("cut_off_answers_db_outage", 0),
    "answers_cut_off_by_kill": counts.get("cut_off_answers_kill", 0),
    "retried": retried,
    "keys_stuck_in_progress": stuck,
    "keys_with_duplicates": duplicates,
    "extra_tasks": extra_tasks,
    "keys_without_a_task_after_retry": missing,
    "retry_answered_another_task": mismatches,
    "5xx_on_retry": retry_5xx,
    "other_retry_statuses": other,
    "unfinished_reservations_left": unfinished,
}
print(json.dumps(report, indent=2))
bad = stuck + duplicates + mismatches + missing + counts["load_truncated"] + counts.get("cut_off_answers_db_outage", 0) + unfinished
print("PASS" if bad == 0 else "FAIL")
sys.exit(0 if bad == 0 else 1)
