#!/usr/bin/env python3
"""Driver for sign-in-burst.sh: one user's list request, idle and during a burst of sign-ins from many addresses.

Each burst sign-in connects from its own loopback source address (127.0.1.N), so per-address limits see N clients,
as they would see N attackers. Prints one JSON line per measurement.
"""
import http.client, json, statistics, sys, threading, time, uuid

def request(port, method, path, body=None, token=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    start = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return response.status, data, elapsed

def setup(port):
    email = f"bench-{uuid.uuid4().hex}@orbit.test"
    status, _, _ = request(port, "POST", "/api/v1/auth/register", {"email": email, "password": "bench password 123", "displayName": "Bench"})
    assert status == 201, status
    status, data, _ = request(port, "POST", "/api/v1/auth/login", {"email": email, "password": "bench password 123"})
    assert status == 200, (status, data)
    token = json.loads(data)["accessToken"]
    status, _, _ = request(port, "POST", "/api/v1/projects", {"key": "B" + uuid.uuid4().hex[:6].upper(), "name": "Bench"}, token)
    assert status == 201, status
    return token

def measure(label, port, token, burst, idle_samples, round_no):
    list_ms = lambda: request(port, "GET", "/api/v1/projects", token=token)[2]
    for _ in range(5):
        list_ms()
    idle = [list_ms() for _ in range(idle_samples)]
    statuses, lock = {}, threading.Lock()
    def sign_in(i):
        source = f"127.0.{1 + i // 250}.{1 + i % 250}"
        try:
            status, _, _ = request(port, "POST", "/api/v1/auth/login", {"email": f"nobody-{uuid.uuid4().hex}@orbit.test", "password": "a wrong password"}, source=source)
        except Exception as error:  # a refused or timed-out connection is an outcome too
            status = type(error).__name__
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(burst)]
    # Open loop: a list request every 100 ms, each on its own thread, whether or not the previous one has answered,
    # so that a stalled host shows in every sample it stalls rather than in one long one (coordinated omission).
    during, samplers = [], []
    def sample():
        elapsed = list_ms()
        with lock:
            during.append(elapsed)
    start = time.perf_counter()
    for t in threads:
        t.start()
    while len(samplers) < 10 or (any(t.is_alive() for t in threads) and len(samplers) < 300):
        sampler = threading.Thread(target=sample)
        sampler.start()
        samplers.append(sampler)
        time.sleep(0.1)
    for t in threads:
        t.join()
    burst_s = time.perf_counter() - start
    for sampler in samplers:
        sampler.join()
    idle_p50, busy_p50 = statistics.median(idle), statistics.median(during)
    print(json.dumps({
        "build": label, "round": round_no, "idle_p50_ms": round(idle_p50, 1), "burst_p50_ms": round(busy_p50, 1),
        "burst_p90_ms": round(statistics.quantiles(during, n=10)[-1], 1), "burst_max_ms": round(max(during), 1), "ratio_p50": round(busy_p50 / idle_p50, 1), "samples": len(during),
        "burst_wall_s": round(burst_s, 2), "burst_statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
    }), flush=True)

if __name__ == "__main__":
    # sign-in-burst.py rounds burst label=port [label=port...]
    rounds, burst = int(sys.argv[1]), int(sys.argv[2])
    hosts = [(a.split("=")[0], int(a.split("=")[1])) for a in sys.argv[3:]]
    tokens = {label: setup(port) for label, port in hosts}
    for r in range(1, rounds + 1):
        for label, port in hosts:  # interleaved, so both builds see the same machine within minutes
            measure(label, port, tokens[label], burst, 21, r)
            time.sleep(3)
