"""Scale mode of bench.py (`python3 benches/bench.py --scale 1000,100000`): for each size, a
fixture of N users in the default app seeds a fresh file database, then the SDKs' lookups are
timed one request at a time and under load, and reset is timed last.

Every figure is measured on the release binary bench.py uses; sizes run one after another and
are reported side by side.
"""

import concurrent.futures
import http.client
import json
import os
import random
import statistics
import subprocess
import tempfile
import time

APP = "defaultapp00000000000001"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_id(index):
    return f"scaleuser{index:015d}"


def fixture(size, path):
    """The default app (its key and signing key) with `size` users: an email for every user,
    a phone for every second, an external id for every third."""
    with open(os.path.join(ROOT, "fixtures", "default.json")) as default:
        app = json.load(default)["apps"][0]
    users = []
    for index in range(size):
        user = {"id": user_id(index), "email": f"user{index}@example.com"}
        if index % 2 == 0:
            user["phone"] = f"+1415{index:07d}"[:12]
        if index % 3 == 0:
            user["external_id"] = f"Ext-{index}"
        users.append(user)
    app["users"] = users
    with open(path, "w") as out:
        json.dump({"apps": [app]}, out)


def one_request_ms(bench, port, paths):
    """Median milliseconds of single requests, one path after another."""
    times = []
    for path in paths:
        began = time.perf_counter()
        status, _ = bench.request(port, "GET", path)
        times.append((time.perf_counter() - began) * 1000)
        assert status == 200, (path, status)
    return statistics.median(times)


def outstanding(port, size, count=10_000):
    """Login passcodes and magic links for the first `count` users (Auth API, 8 at a time):
    what a reset has to remove besides the users. Returns how many were sent."""
    def send(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"identifier": f"user{index}@example.com"})
        sent = 0
        for path in ("login/otp", "login/magic-link"):
            conn.request("POST", f"/auth/v1/apps/{APP}/{path}", body,
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            sent += response.status < 300
        conn.close()
        return sent
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return sum(pool.map(send, range(min(size, count))))


def measure(bench, args, size):
    folder = tempfile.mkdtemp(prefix=f"scale-{size}-")
    fixture_path = os.path.join(folder, "users.json")
    fixture(size, fixture_path)
    database = os.path.join(folder, "emulator.db")
    port = bench.free_port()
    command = [bench.BINARY, "--listen", f"127.0.0.1:{port}", "--database", database,
               "--fixtures", fixture_path, "--quiet"]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not bench.healthy(port):
        if time.perf_counter() - began > 600:
            process.kill()
            raise SystemExit(f"{size} users: not ready within 600 s")
        time.sleep(0.01)
    seeded = time.perf_counter() - began
    rows = {"users": f"{size:,}", "seed (start with the fixture, to ready)": f"{seeded:.2f} s"}
    picks = [random.randrange(size) for _ in range(20)]
    base = f"/api/v1/apps/{APP}"
    rows["list `identifier=` email, one request (median of 20)"] = (
        f"{one_request_ms(bench, port, [f'{base}/users?identifier=user{i}%40example.com' for i in picks]):.2f} ms")
    thirds = [i - i % 3 for i in picks]
    rows["list `identifier=` external id, one request"] = (
        f"{one_request_ms(bench, port, [f'{base}/users?identifier=ext-{i}' for i in thirds]):.2f} ms")
    rows["list `limit=20`, one request"] = (
        f"{one_request_ms(bench, port, [f'{base}/users?limit=20'] * 20):.2f} ms")
    rows["GET user, one request"] = (
        f"{one_request_ms(bench, port, [f'{base}/users/{user_id(i)}' for i in picks]):.2f} ms")
    hot = f"http://127.0.0.1:{port}{base}/users?identifier=user{picks[0]}%40example.com"
    rows["list `identifier=` under load"] = bench.summary(bench.load(args, hot))
    rows["RSS after the load"] = f"{bench.rss_kib(process.pid) / 1024:.1f} MiB"
    sent = outstanding(port, size)
    rows["passcodes and magic links outstanding at reset"] = f"{sent:,}"
    began = time.perf_counter()
    status, _ = bench.request(port, "POST", "/_emulator/reset")
    assert status == 200, status
    rows["POST /_emulator/reset (all users)"] = f"{(time.perf_counter() - began) * 1000:.1f} ms"
    bench.stop(process)
    return rows


def run(bench, args):
    sizes = [int(size) for size in args.scale.split(",")]
    columns = [measure(bench, args, size) for size in sizes]
    names = list(columns[0])
    print("| measure | " + " | ".join(column["users"] + " users" for column in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name in names[1:]:
        print(f"| {name} | " + " | ".join(column[name] for column in columns) + " |")
