"""State mode of bench.py (`python3 benches/bench.py --state 1000,10000`): for each size, a
fixture of N users with a passkey each seeds the emulator (in memory, as `passage-emulator exec`
and the test helpers run it, and on a file, as `cargo run` does); then snapshot and restore are
timed (what a test suite pays between tests), and the export and re-import of the whole state.

Each figure is the median of several requests, timed from the client (HTTP round trip
included), on the release binary bench.py uses.
"""

import base64
import json
import os
import shutil
import statistics
import tempfile
import time

from scale import APP, ROOT, serve, table

# One COSE public key (P-256) for every device: the loader checks each is a COSE_Key, and a
# benchmark needs no signature.
PUBLIC_KEY = ("pQECAyYgASFYILJQ11cUxFVRKlvcPDlYJa3qhS7NtvGXQhDwSeIc0FEHIlgg6OCuCKfxSdD9xei2nUB"
              "AonjbFw7u5U0dv-Moie0n2qw")


def cred_id(index):
    return base64.urlsafe_b64encode(f"cred{index:012d}".encode()).decode().rstrip("=")


def fixture(size, path):
    """The default app with `size` users, each with an email and one passkey."""
    with open(os.path.join(ROOT, "fixtures", "default.json")) as default:
        app = json.load(default)["apps"][0]
    app["users"] = [
        {"id": f"stateuser{index:015d}", "email": f"user{index}@example.com",
         "devices": [{"id": f"statedev{index:016d}", "cred_id": cred_id(index),
                      "public_key": PUBLIC_KEY, "transports": ["internal"]}]}
        for index in range(size)]
    with open(path, "w") as out:
        json.dump({"apps": [app]}, out)


def median_ms(bench, port, method, path, body=None, runs=7, between=None):
    times = []
    for _ in range(runs):
        if between:
            between()
        began = time.perf_counter()
        status, answer = bench.request(port, method, path, body)
        times.append((time.perf_counter() - began) * 1000)
        assert status < 300, (method, path, status, answer)
    return statistics.median(times)


def measure(bench, size, database):
    folder = tempfile.mkdtemp(prefix=f"state-{size}-")
    fixture_path = os.path.join(folder, "users.json")
    fixture(size, fixture_path)
    if database != ":memory:":
        database = os.path.join(folder, database)
    process, port, seeded = serve(bench, database, ["--fixtures", fixture_path])
    rows = {"seed (start with the fixture, to ready)": f"{seeded * 1000:.0f} ms"}

    rows["POST /_emulator/snapshots"] = f"{median_ms(bench, port, 'POST', '/_emulator/snapshots', {'name': 'seeded'}):.1f} ms"

    def dirty():
        """What a test leaves behind: a user and a passcode sent."""
        bench.request(port, "POST", f"/auth/v1/apps/{APP}/register/otp",
                      {"identifier": f"t{time.perf_counter_ns()}@example.com"})

    rows["POST /_emulator/snapshots/{name}/restore (after a test's changes)"] = (
        f"{median_ms(bench, port, 'POST', '/_emulator/snapshots/seeded/restore', between=dirty, runs=15):.1f} ms")
    rows["RSS with the snapshot"] = f"{bench.rss_kib(process.pid) / 1024:.1f} MiB"

    rows["GET /_emulator/export (fixture document)"] = f"{median_ms(bench, port, 'GET', '/_emulator/export', runs=5):.0f} ms"
    rows["GET /_emulator/export?format=passkeys"] = f"{median_ms(bench, port, 'GET', '/_emulator/export?format=passkeys', runs=5):.0f} ms"
    exported = os.path.join(folder, "exported.json")
    status, document = bench.request(port, "GET", "/_emulator/export")
    assert status == 200, status
    with open(exported, "w") as out:
        json.dump(document, out)
    rows["export size"] = f"{os.path.getsize(exported) / 1e6:.1f} MB"
    bench.stop(process)

    # Re-import: a fresh emulator started with the export, as `--export-on-exit` then
    # `--fixtures` would do, to ready (the default app's fixture is not loaded then).
    starts = []
    for _ in range(3):
        fresh = database if database == ":memory:" else os.path.join(folder, f"again-{len(starts)}.db")
        again, again_port, ready = serve(bench, fresh, ["--fixtures", exported])
        status, listed = bench.request(again_port, "GET", f"/api/v1/apps/{APP}/users?limit=1")
        assert status == 200 and listed["total_users"] == size, (status, listed)
        bench.stop(again)
        starts.append(ready * 1000)
    rows["re-import: start with the export, to ready"] = f"{statistics.median(starts):.0f} ms"
    shutil.rmtree(folder)
    return rows


def run(bench, args):
    sizes = [int(size) for size in args.state.split(",")]
    columns = []
    for size in sizes:
        for database in (":memory:", "emulator.db"):
            rows = measure(bench, size, database)
            columns.append((f"{size:,} users, {'in memory' if database == ':memory:' else 'file'}", rows))
    table(columns)
