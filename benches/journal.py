#!/usr/bin/env python3
"""What the request journal costs (docs/PERFORMANCE.md), side by side in one run:

- Management `GET user` under wrk against the release binary, journal on (default size) and
  off (`--journal-size 0`), `--rounds` times with the order alternating, each after a 3-second
  warm-up;
- the magic-link send + activate flow (`cargo bench --bench sessions`), journal on and off
  (BENCH_JOURNAL_SIZE);
- memory: RSS after 1,000 calls whose request and response bodies pass the 64 KiB cut, with
  the journal on and off.

Usage: python3 benches/journal.py [--rounds 2] [--duration 10]
Needs: wrk (Debian), a release build (this script runs `cargo build --release`). Everything
runs on 127.0.0.1 and stops by itself.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the shared helpers: start, stop, rss, wrk)

APP = bench.APP


def start(port, journal_size):
    process = subprocess.Popen(
        [bench.BINARY, "--listen", f"127.0.0.1:{port}", "--database", ":memory:",
         "--journal-size", str(journal_size)],
        env=dict(os.environ, RUST_LOG="warn"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not bench.healthy(port):
        time.sleep(0.001)
    return process


def get_user_rps(args, journal_size):
    port = bench.free_port()
    process = start(port, journal_size)
    status, created = bench.request(port, "POST", f"/api/v1/apps/{APP}/users", {"email": "journal@example.com"})
    assert status == 201, created
    url = f"http://127.0.0.1:{port}/api/v1/apps/{APP}/users/{created['user']['id']}"
    # A 3-second warm-up, not counted, so neither side pays for a cold start.
    subprocess.run(["wrk", "-t2", f"-c{args.connections}", "-d3s", "-H", f"Authorization: Bearer {bench.KEY}", url],
                   check=True, capture_output=True)
    report = bench.load(args, url)
    bench.stop(process)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))


def magic_link_rate(journal_size):
    output = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "sessions"],
        cwd=bench.ROOT, check=True, capture_output=True, text=True,
        env=dict(os.environ, BENCH_JOURNAL_SIZE=str(journal_size)),
    ).stdout
    return float(re.search(r"magic-link send \+ activate: ([\d.]+)/s", output).group(1))


def rss_after_big_bodies(journal_size, calls=1000):
    """RSS (KiB) after `calls` calls with a 70 KiB request body whose error answer echoes it."""
    port = bench.free_port()
    process = start(port, journal_size)
    body = {"identifier": "x" * (70 * 1024)}
    for _ in range(calls):
        bench.request(port, "POST", f"/auth/v1/apps/{APP}/login/otp", body)
    time.sleep(0.5)
    rss = bench.rss_kib(process.pid)
    bench.stop(process)
    return rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=bench.ROOT, check=True)

    # Rounds alternate which side goes first, so drift on the shared cores falls on both.
    on, off = [], []
    links_on, links_off = [], []
    for round in range(args.rounds):
        order = [(1000, on), (0, off)] if round % 2 == 0 else [(0, off), (1000, on)]
        for size, results in order:
            results.append(get_user_rps(args, size))
    for round in range(args.rounds):
        order = [(1000, links_on), (0, links_off)] if round % 2 == 0 else [(0, links_off), (1000, links_on)]
        for size, results in order:
            results.append(magic_link_rate(size))
    memory_on = rss_after_big_bodies(1000)
    memory_off = rss_after_big_bodies(0)

    def row(name, with_journal, without):
        a, b = statistics.median(with_journal), statistics.median(without)
        runs = ", ".join(f"{x:,.0f}" for x in with_journal) + " / " + ", ".join(f"{x:,.0f}" for x in without)
        print(f"| {name} | {a:,.0f}/s | {b:,.0f}/s | {100 * (b - a) / b:+.1f}% cost | {runs} |")

    print("| measure | journal on (1,000) | journal off | overhead | runs (on / off) |")
    print("|---|---|---|---|---|")
    row(f"Management `GET user` (wrk, {args.connections} connections, {args.duration} s)", on, off)
    row("magic-link send + activate (cargo bench sessions)", links_on, links_off)
    print(f"| RSS after 1,000 calls with 70 KiB bodies | {memory_on / 1024:.1f} MiB | "
          f"{memory_off / 1024:.1f} MiB | {(memory_on - memory_off) / 1024:+.1f} MiB | |")


if __name__ == "__main__":
    main()
