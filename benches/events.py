"""Events mode of bench.py (`python3 benches/bench.py --events 3`): what recording users'
events costs the ceremonies that record them, side by side in one run.

The passkey and session cargo benches run with events (as the emulator always runs) and
without (`BENCH_EVENTS=off`: `Config::without_events`, which records none and reads no recent
events with users), alternately, N times each, on the same build: this machine drifts between
series of runs by more than the difference measured, so the comparison is within one series.
Each figure is the median of its N runs.
"""

import os
import re
import statistics
import subprocess

from scale import ROOT, table

# (measure, cargo bench, pattern of its output line, unit, whether more is better)
MEASURES = [
    ("passkey ceremony, browser-like: emulator CPU per ceremony", "passkeys",
     r"^browser-like.*emulator ([\d.]+) ms", "ms", False),
    ("passkey ceremony, browser-like: ceremonies/s (clients on the same cores)", "passkeys",
     r"^browser-like.*?: \d+ pairs/s = (\d+) ceremonies/s", "/s", True),
    ("passkey ceremony, curl-only: emulator CPU per ceremony", "passkeys",
     r"^curl-only.*emulator ([\d.]+) ms", "ms", False),
    ("magic-link send + activate", "sessions", r"^magic-link send \+ activate: (\d+)/s", "/s", True),
]


def bench_output(bench, events):
    environment = dict(os.environ, BENCH_EVENTS=events)
    return subprocess.run(["cargo", "bench", "--quiet", "--bench", bench], cwd=ROOT, env=environment,
                          check=True, capture_output=True, text=True).stdout


def run(bench_module, args):
    runs = int(args.events)
    benches = sorted({bench for _, bench, _, _, _ in MEASURES})
    subprocess.run(["cargo", "bench", "--quiet", "--no-run", *[f"--bench={b}" for b in benches]],
                   cwd=ROOT, check=True, capture_output=True)
    figures = {(name, events): [] for name, *_ in MEASURES for events in ("off", "on")}
    for index in range(runs):
        # Alternate which goes first, so neither side always follows the other.
        order = ("off", "on") if index % 2 == 0 else ("on", "off")
        for events in order:
            for bench in benches:
                output = bench_output(bench, events)
                for name, source, pattern, _, _ in MEASURES:
                    if source != bench:
                        continue
                    found = re.search(pattern, output, re.MULTILINE)
                    if found is None:
                        raise SystemExit(f"{bench}: no line matches {pattern!r} in:\n{output}")
                    figures[(name, events)].append(float(found.group(1)))

    columns = {"without events": {}, "with events": {}, "events' cost": {}}
    for name, _, _, unit, more_is_better in MEASURES:
        without, with_ = (statistics.median(figures[(name, e)]) for e in ("off", "on"))
        for column, events in (("without events", "off"), ("with events", "on")):
            runs_text = ", ".join(f"{value:g}" for value in figures[(name, events)])
            median = without if events == "off" else with_
            columns[column][name] = f"{median:g} {unit} ({runs_text})"
        cost = (without / with_ - 1) if more_is_better else (with_ / without - 1)
        columns["events' cost"][name] = f"{cost * 100:+.1f}%"
    print(f"{runs} alternating runs each way, medians (each run: "
          f"`cargo bench --bench passkeys` and `--bench sessions`)\n")
    table(list(columns.items()))
