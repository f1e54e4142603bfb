"""The npm and PyPI packages as a user gets them, measured (bench.py --all runs this): the
size of the npm tarballs and of the wheel built from the release binary, and the time from
`startEmulator()` / `passage_emulator.start()` to ready, and of `passage-emulator exec -- true`.

Usage: python3 benches/packages.py [--runs 20]
Needs: a release build (bench.py makes it), node and npm, and maturin (pip install maturin).
"""

import argparse
import json
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "passage-emulator")
NODE_TIMING = """
import { startEmulator } from "passage-emulator";
const times = [];
for (let i = 0; i < RUNS; i++) {
  const began = performance.now();
  const emulator = await startEmulator();
  times.push(performance.now() - began);
  await emulator.stop();
}
console.log(JSON.stringify(times));
"""
PYTHON_TIMING = """
import json, time, passage_emulator
times = []
for _ in range(RUNS):
    began = time.perf_counter()
    emu = passage_emulator.start()
    times.append((time.perf_counter() - began) * 1000)
    emu.stop()
print(json.dumps(times))
"""


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs).stdout


def mib(path):
    return f"{os.path.getsize(path) / (1024 * 1024):.1f} MiB"


def kib(path):
    return f"{os.path.getsize(path) / 1024:.1f} KiB"


def spread(times):
    times = sorted(times)
    return f"{statistics.median(times):.1f} ms median, {times[0]:.1f}-{times[-1]:.1f} ms"


def measure(runs):
    """Rows of the PERFORMANCE table."""
    rows = []
    work = tempfile.mkdtemp(prefix="passage-packages-")
    try:
        version = run([BINARY, "--version"]).split()[1]
        run(["node", "packages/npm/scripts/stage.mjs", "linux-x64", BINARY], cwd=ROOT)
        for folder in ["packages/npm/platforms/linux-x64", "packages/npm/passage-emulator"]:
            run(["npm", "pack", "--silent", "--pack-destination", work], cwd=os.path.join(ROOT, folder))
        main = os.path.join(work, f"passage-emulator-{version}.tgz")
        platform = os.path.join(work, f"passage-emulator-linux-x64-{version}.tgz")
        rows.append(("npm tarball `passage-emulator`", kib(main)))
        rows.append(("npm tarball `@passage-emulator/linux-x64` (release binary)", mib(platform)))

        maturin = shutil.which("maturin") or os.path.join(os.path.dirname(sys.executable), "maturin")
        run([maturin, "build", "--release", "--locked", "--out", work], cwd=os.path.join(ROOT, "packages/python"))
        wheel = glob.glob(os.path.join(work, "passage_emulator-*.whl"))[0]
        rows.append((f"wheel `{os.path.basename(wheel)}`", mib(wheel)))

        project = os.path.join(work, "node-project")
        os.makedirs(project)
        run(["npm", "init", "-y"], cwd=project)
        run(["npm", "install", "--no-audit", "--no-fund", platform, main], cwd=project)
        script = os.path.join(project, "time.mjs")
        with open(script, "w") as file:
            file.write(NODE_TIMING.replace("RUNS", str(runs)))
        env = {key: value for key, value in os.environ.items() if key != "PASSAGE_EMULATOR_BINARY"}
        node = [float(t) for t in json.loads(run(["node", script], cwd=project, env=env))]
        rows.append((f"`startEmulator()` to ready (Node, {runs} runs)", spread(node)))

        venv = os.path.join(work, "venv")
        run([sys.executable, "-m", "venv", venv])
        python = os.path.join(venv, "bin", "python")
        run([python, "-m", "pip", "install", "--quiet", wheel])
        timing = run([python, "-c", PYTHON_TIMING.replace("RUNS", str(runs))], env=env)
        py = [float(t) for t in json.loads(timing)]
        rows.append((f"`passage_emulator.start()` to ready (Python, {runs} runs)", spread(py)))

        execs = []
        for _ in range(runs):
            began = time.perf_counter()
            run([BINARY, "exec", "--", "true"])
            execs.append((time.perf_counter() - began) * 1000)
        rows.append((f"`passage-emulator exec -- true`, whole run ({runs} runs)", spread(execs)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(os.path.join(ROOT, "packages/npm/platforms/linux-x64/bin"), ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        run(["cargo", "build", "--release", "--locked"], cwd=ROOT)
    print("| package measure | result |")
    print("|---|---|")
    for name, value in measure(args.runs):
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
