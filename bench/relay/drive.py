# bench/relay load: writes over HTTP at a fixed rate (open loop), a third each: create a task, rename a task
# (PATCH), comment on a task; each write raises one event (task.created, task.updated, comment.added).
#   python3 drive.py <base-url> <token> <project-id> <writes-per-second> <seconds> [workers]
# With a 7th argument "create", every write is a task create (the light-load statement count).
# Prints one JSON line: writes asked, done, failed, seconds taken.
import http.client
import json
import queue
import random
import sys
import threading
import time
import urllib.parse

base, token, project, rate, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
workers = int(sys.argv[6]) if len(sys.argv) > 6 else 32
creates_only = len(sys.argv) > 7 and sys.argv[7] == "create"
url = urllib.parse.urlparse(base)
tickets = queue.Queue()
keys, keys_lock = [], threading.Lock()
done, failed, counts_lock = [0], [0], threading.Lock()


def request(conn, method, path, body, content_type="application/json"):
    conn.request(method, path, body=json.dumps(body), headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type, "Connection": "keep-alive"})
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def work():
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    while True:
        ticket = tickets.get()
        if ticket is None:
            return
        n = ticket
        try:
            with keys_lock:
                key = random.choice(keys) if keys else None
            if creates_only or n % 3 == 0 or key is None:
                status, data = request(conn, "POST", f"/api/v1/projects/{project}/tasks", {"title": f"bench {n}"})
                if status == 201:
                    with keys_lock:
                        keys.append(json.loads(data)["key"])
            elif n % 3 == 1:
                status, _ = request(conn, "PATCH", f"/api/v1/tasks/{key}", {"title": f"bench {n} renamed"}, "application/merge-patch+json")
            else:
                status, _ = request(conn, "POST", f"/api/v1/tasks/{key}/comments", {"body": f"bench comment {n}"})
            ok = 200 <= status < 300
        except Exception:  # a dropped connection counts as a failed write; open a new one
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        with counts_lock:
            (done if ok else failed)[0] += 1


threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
for t in threads:
    t.start()
started = time.time()
total = int(rate * seconds)
for n in range(total):
    due = started + n / rate
    delay = due - time.time()
    if delay > 0:
        time.sleep(delay)
    tickets.put(n)
for _ in threads:
    tickets.put(None)
for t in threads:
    t.join()
print(json.dumps({"asked": total, "done": done[0], "failed": failed[0], "seconds": round(time.time() - started, 2)}))
