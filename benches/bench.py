#!/usr/bin/env python3
"""Benchmarks for docs/PERFORMANCE.md: time to ready, idle memory, Management GET user load;
with --all, every budget of the design (section 8) in one command: also the cargo benches
(sessions, passkeys, social), the container image size, and the packages (benches/packages.py:
npm tarball and wheel sizes, startEmulator() and start() to ready), with the machine and the
date.

Usage: python3 benches/bench.py [--all] [--runs 30] [--duration 10] [--connections 32]
       python3 benches/bench.py --scale 1000,100000 | --state 1000,10000 | --events 3
Needs: a release build (this script runs `cargo build --release`), and `wrk` on PATH
(Debian: apt-get install wrk); with --all also node, npm and maturin (pip install maturin). Everything runs on 127.0.0.1 and stops by itself.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "passage-emulator")
APP = "defaultapp00000000000001"
KEY = "emulator-api-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(database, port):
    env = dict(os.environ, RUST_LOG="warn")
    return subprocess.Popen(
        [BINARY, "--listen", f"127.0.0.1:{port}", "--database", database],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def healthy(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/_emulator/health")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def time_to_ready(database, port):
    """Seconds from spawning the process to the first 200 from /_emulator/health."""
    began = time.perf_counter()
    process = start(database, port)
    deadline = began + 10
    while not healthy(port):
        if time.perf_counter() > deadline:
            process.kill()
            sys.exit("the emulator did not become ready within 10 s")
        time.sleep(0.0002)
    return time.perf_counter() - began, process


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def rss_kib(pid, field="VmRSS"):
    """A process's resident memory in KiB; field="VmHWM" for its peak."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def load(args, url):
    """Runs wrk against `url` with the API key; returns its report."""
    return subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
         "-H", f"Authorization: Bearer {KEY}", url],
        capture_output=True, text=True, check=True,
    ).stdout


def summary(report):
    """Requests/s, median and p99 latency, and any non-2xx answers from a wrk report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", report, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", report, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    bad = f", {errors.group(1)} non-2xx" if errors else ", all 2xx"
    return f"{rps:,.0f} req/s (p50 {p50}, p99 {p99}{bad})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--all", action="store_true", help="also the cargo benches and the image size")
    parser.add_argument("--scale", help="comma-separated user counts, e.g. 1000,100000: the scale table (benches/scale.py) instead")
    parser.add_argument("--state", help="comma-separated user counts, e.g. 1000,10000: snapshot, restore, export and import (benches/state.py) instead")
    parser.add_argument("--events", help="runs each way, e.g. 3: the passkey and session benches with and without user events, alternately (benches/events.py) instead")
    args = parser.parse_args()
    if args.all:
        print(machine())
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    if args.scale:
        import scale
        scale.run(sys.modules[__name__], args)
        return
    if args.state:
        import state
        state.run(sys.modules[__name__], args)
        return
    if args.events:
        import events
        events.run(sys.modules[__name__], args)
        return

    folder = tempfile.mkdtemp(prefix="passage-bench-")
    database = os.path.join(folder, "emulator.db")
    port = free_port()

    # First start creates and migrates the database; the measured starts reuse it.
    first, process = time_to_ready(database, port)
    stop(process)
    readies = []
    for _ in range(args.runs):
        seconds, process = time_to_ready(database, port)
        readies.append(seconds * 1000)
        stop(process)

    seconds, process = time_to_ready(":memory:", port)
    memory_ready = seconds * 1000
    stop(process)

    _, process = time_to_ready(database, port)
    time.sleep(1)
    idle = rss_kib(process.pid)
    status, created = request(port, "POST", f"/api/v1/apps/{APP}/users", {"email": f"bench-{time.time_ns()}@example.com"})
    assert status == 201, (status, created)
    user_id = created["user"]["id"]
    base = f"http://127.0.0.1:{port}/api/v1/apps/{APP}"
    output = load(args, f"{base}/users/{user_id}")
    # The list is never cached: every request is a count and a select in SQLite.
    listed = load(args, f"{base}/users?limit=1&identifier={created['user']['email']}")
    loaded = rss_kib(process.pid)
    stop(process)
    shutil.rmtree(folder)

    readies.sort()
    print("| measure | result |")
    print("|---|---|")
    print(f"| ready, new file database (create + migrate + seed) | {first * 1000:.1f} ms |")
    print(f"| ready, existing file database, median of {args.runs} | {statistics.median(readies):.1f} ms |")
    print(f"| ready, existing file database, slowest of {args.runs} | {readies[-1]:.1f} ms |")
    print(f"| ready, `:memory:` database | {memory_ready:.1f} ms |")
    print(f"| idle RSS after start | {idle / 1024:.1f} MiB |")
    load_setup = f"wrk 2 threads, {args.connections} connections, {args.duration} s"
    print(f"| Management `GET user` ({load_setup}) | {summary(output)} |")
    print(f"| Management `GET users?identifier=` (list, from SQLite; {load_setup}) | {summary(listed)} |")
    print(f"| RSS after the load | {loaded / 1024:.1f} MiB |")
    if args.all:
        for bench in ("sessions", "passkeys", "social"):
            print(f"\n`cargo bench --bench {bench}`:\n")
            result = subprocess.run(
                ["cargo", "bench", "--quiet", "--bench", bench],
                cwd=ROOT, check=True, capture_output=True, text=True,
            )
            for line in result.stdout.splitlines():
                if line.strip() and not line.startswith(("running", "test result")):
                    print(f"- {line}")
        print(f"\n{image_size()}")
        # The npm tarballs, the wheel, and the helpers' time to ready (benches/packages.py).
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import packages

        print("\n| package measure | result |")
        print("|---|---|")
        for name, value in packages.measure(20):
            print(f"| {name} | {value} |")


def machine():
    """The machine and the date, for the record."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory = int(info.readline().split()[1]) / 1024 / 1024
    date = time.strftime("%Y-%m-%d", time.gmtime())
    return f"Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; {date}\n"


def image_size():
    """The runtime stage is `scratch` (an empty base layer), the static binary and two empty
    folders, so its size is the binary's. With Docker, the real image; without, the estimate
    from the release binary (built for the host's libc here, the image's is musl: expect a few
    per cent either way)."""
    if shutil.which("docker"):
        result = subprocess.run(
            ["docker", "image", "inspect", "passage-emulator:local", "--format", "{{.Size}}"],
            capture_output=True, text=True,
        )
        if result.returncode == 0:
            return f"Container image `passage-emulator:local`: {int(result.stdout) / 1e6:.1f} MB (docker image inspect)"
    size = os.path.getsize(BINARY)
    return (f"Container image, estimated: {size / 1e6:.1f} MB = the stripped release binary "
            f"({size:,} bytes) on `scratch` (0 bytes) plus two empty folders; no Docker engine here")


if __name__ == "__main__":
    main()
