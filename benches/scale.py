"""Scale mode of bench.py (`python3 benches/bench.py --scale 1000,100000,1000000`): for each
size, a fixture of N users in the default app seeds a fresh file database (timed, with the
seeding process's peak memory); the emulator is then restarted on that database, as a CI job
or a developer's next `cargo run` would find it, and every SDK operation on one user, the
paged lists with each order and filter, and the lookups under load are measured; reset last.

Every figure is measured on the release binary bench.py uses; sizes run one after another and
are reported side by side. The 1M size takes a few minutes and stays out of CI.
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
# Fixture users are created one second apart, the first at 2020-01-01T00:00:00Z.
EPOCH = 1577836800
ORDER_FIELDS = ["id", "email", "phone", "external_id", "login_count", "status",
                "created_at", "updated_at", "last_login_at"]


def user_id(index):
    return f"scaleuser{index:015d}"


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def fixture(size, path):
    """The default app (its key and signing key) with `size` users: an email for every user,
    a phone for every second, an external id for every third; every tenth inactive; login
    counts 0-49; created one second apart, signed in an hour after creation."""
    with open(os.path.join(ROOT, "fixtures", "default.json")) as default:
        app = json.load(default)["apps"][0]
    users = []
    for index in range(size):
        user = {"id": user_id(index), "email": f"user{index}@example.com",
                "login_count": index % 50, "created_at": iso(EPOCH + index),
                "last_login_at": iso(EPOCH + index + 3600)}
        if index % 2 == 0:
            user["phone"] = f"+1415{index:07d}"[:12]
        if index % 3 == 0:
            user["external_id"] = f"Ext-{index}"
        if index % 10 == 0:
            user["status"] = "inactive"
        users.append(user)
    app["users"] = users
    with open(path, "w") as out:
        json.dump({"apps": [app]}, out)


def stamp(seconds):
    """A time filter's value, as the list takes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(seconds))


def timed(bench, port, method, path, body=None, expect=200):
    began = time.perf_counter()
    status, answer = bench.request(port, method, path, body)
    elapsed = (time.perf_counter() - began) * 1000
    assert status == expect, (method, path, status, answer)
    return elapsed, answer


def median_ms(bench, port, calls):
    """Median milliseconds of single requests, one (method, path, body) after another."""
    return statistics.median(timed(bench, port, *call)[0] for call in calls)


def ms(value):
    return f"{value:.2f} ms"


def slowest(bench, port, named_paths):
    """The slowest of one request per (name, path), with its name; and whether every total
    agreed with an independent count where one is given."""
    worst = (0.0, "")
    for name, path in named_paths:
        timed(bench, port, "GET", path)  # first touch of the index pages
        elapsed = statistics.median(timed(bench, port, "GET", path)[0] for _ in range(3))
        worst = max(worst, (elapsed, name))
    return f"{worst[0]:.2f} ms ({worst[1]})"


def lua_random(size, template, method="GET", body=None, key=None):
    """A wrk script requesting `template % i` for random users i (with a JSON body and the
    API key when `body` is given: headers passed to wrk.format replace wrk's -H ones)."""
    headers = "nil"
    if body is not None:
        headers = ('{["Content-Type"] = "application/json", '
                   f'["Authorization"] = "Bearer {key}"}}')
    body = "nil" if body is None else "'" + json.dumps(body) + "'"
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    # Each wrk thread has its own Lua state: seeded alike, both would ask for the same ids.
    script.write(f"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + number)
end
request = function()
  local i = math.random(0, {size - 1})
  return wrk.format("{method}", string.format("{template}", i), {headers}, {body})
end
""")
    script.close()
    return script.name


def load(bench, args, port, path=None, script=None):
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
               "-H", f"Authorization: Bearer {bench.KEY}"]
    if script:
        command += ["-s", script]
    report = subprocess.run(command + [f"http://127.0.0.1:{port}{path or '/'}"],
                            capture_output=True, text=True, check=True).stdout
    return bench.summary(report)


def active_users(size, count):
    """The first `count` active users of the fixture (every tenth is inactive)."""
    return [i for i in range(min(size, count * 10 // 9 + 1)) if i % 10][:count]


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
        return sum(pool.map(send, active_users(size, count)))


def sessions(bench, port, size, count=10_000):
    """A session (refresh token) for each of the first `count` active users: a login magic link
    made by the Management API, unsent, then activated by the Auth API (8 at a time). Returns
    how many refresh tokens were issued."""
    def sign_in(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"user_id": user_id(index), "type": "login", "send": False,
                           "channel": "email"})
        conn.request("POST", f"/api/v1/apps/{APP}/magic-links", body,
                     {"Authorization": f"Bearer {bench.KEY}", "Content-Type": "application/json"})
        response = conn.getresponse()
        link = json.loads(response.read())
        if response.status != 201:
            conn.close()
            return 0
        body = json.dumps({"magic_link": link["magic_link"]["secret"]})
        conn.request("PATCH", f"/auth/v1/apps/{APP}/magic-link/activate", body,
                     {"Content-Type": "application/json"})
        response = conn.getresponse()
        answer = json.loads(response.read())
        conn.close()
        return int(response.status == 200 and bool(answer["auth_result"].get("refresh_token")))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return sum(pool.map(sign_in, active_users(size, count)))


def serve(bench, database, extra=()):
    """Starts the emulator on `database`; returns (process, port, seconds to ready)."""
    port = bench.free_port()
    command = [bench.BINARY, "--listen", f"127.0.0.1:{port}", "--database", database,
               "--quiet", *extra]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not bench.healthy(port):
        if process.poll() is not None:
            raise SystemExit(f"{database}: the emulator exited with {process.returncode}")
        if time.perf_counter() - began > 900:
            process.kill()
            raise SystemExit(f"{database}: not ready within 900 s")
        time.sleep(0.002)
    return process, port, time.perf_counter() - began


def measure(bench, args, size):
    folder = tempfile.mkdtemp(prefix=f"scale-{size}-")
    fixture_path = os.path.join(folder, "users.json")
    fixture(size, fixture_path)
    database = os.path.join(folder, "emulator.db")
    rows = {"users": f"{size:,}"}

    process, port, seeded = serve(bench, database, ["--fixtures", fixture_path])
    rows["seed: start with the fixture, to ready"] = f"{seeded:.2f} s"
    rows["seeding process: peak RSS (whole fixture document parsed)"] = (
        f"{bench.rss_kib(process.pid, 'VmHWM') / 1024:.0f} MiB")
    bench.stop(process)
    os.remove(fixture_path)

    process, port, ready = serve(bench, database)
    restarted = time.time()
    rows["restart on the seeded database, to ready"] = f"{ready * 1000:.1f} ms"
    rows["idle RSS after the restart"] = f"{bench.rss_kib(process.pid) / 1024:.1f} MiB"

    base = f"/api/v1/apps/{APP}"
    picks = random.Random(size).sample(range(size), 60)
    one, two, three = picks[:20], picks[20:40], picks[40:]
    get = lambda path: ("GET", path)  # noqa: E731
    rows["list `identifier=` email, one request (median of 20)"] = ms(median_ms(
        bench, port, [get(f"{base}/users?limit=1&identifier=user{i}%40example.com") for i in one]))
    rows["list `identifier=` external id (Flex `user.get`)"] = ms(median_ms(
        bench, port, [get(f"{base}/users?limit=1&page=1&identifier=ext-{i - i % 3}") for i in one]))
    rows["list `id=`"] = ms(median_ms(
        bench, port, [get(f"{base}/users?id={user_id(i)}") for i in one]))
    rows["list `limit=1`"] = ms(median_ms(bench, port, [get(f"{base}/users?limit=1")] * 20))
    rows["list `limit=20` (with `total_users`)"] = ms(median_ms(
        bench, port, [get(f"{base}/users?limit=20")] * 20))
    rows["GET user"] = ms(median_ms(bench, port, [get(f"{base}/users/{user_id(i)}") for i in one]))
    rows["GET user devices"] = ms(median_ms(
        bench, port, [get(f"{base}/users/{user_id(i)}/devices") for i in one]))
    rows["Auth API `GET users?identifier=`"] = ms(median_ms(
        bench, port, [get(f"/auth/v1/apps/{APP}/users?identifier=user{i}%40example.com") for i in one]))
    rows["PATCH user (`user_metadata`)"] = ms(median_ms(bench, port, [
        ("PATCH", f"{base}/users/{user_id(i)}", {"user_metadata": {}}) for i in two]))
    rows["DELETE user tokens"] = ms(median_ms(
        bench, port, [("DELETE", f"{base}/users/{user_id(i)}/tokens") for i in two]))

    orders = [(f"{field}:{way}", f"{base}/users?limit=20&order_by={field}:{way}")
              for field in ORDER_FIELDS for way in ("ASC", "DESC")]
    rows["list, each `order_by` both ways (18), slowest"] = slowest(bench, port, orders)
    recent = EPOCH + size - 100
    filters = [(f, f"{base}/users?limit=20&{f}") for f in (
        "login_count=7", "login_count=gt:47", "login_count=lt:2", "status=inactive",
        "status=ne:active", f"created_at=gt:{stamp(recent)}", f"created_at=lt:{stamp(EPOCH + 100)}",
        f"updated_at=gt:{stamp(restarted)}", f"last_login_at=gt:{stamp(recent + 3600)}",
        f"last_login_at=lt:{stamp(EPOCH + 3700)}", f"id={user_id(size // 2)}")]
    rows["list, each filter (11, selective values), slowest"] = slowest(bench, port, filters)
    elapsed, every = timed(
        bench, port, "GET", f"{base}/users?limit=1&updated_at=lt:{stamp(time.time() + 60)}")
    rows["list `updated_at=lt:` now (selects every user: counts them)"] = (
        f"{elapsed:.1f} ms ({every['total_users']:,} users)")

    elapsed, half = timed(bench, port, "GET", f"{base}/users?limit=20&login_count=lt:25")
    rows["list `login_count=lt:25` (half the users each side: one side counted in full)"] = (
        f"{elapsed:.1f} ms ({half['total_users']:,} users)")

    # The selected users at the far end of the order: walking the order's index from its
    # other end would pass every user not selected.
    oldest = min(20_000, size // 5)
    elapsed, far = timed(bench, port, "GET", f"{base}/users?limit=20&order_by=created_at:DESC"
                         f"&last_login_at=lt:{stamp(EPOCH + oldest + 3600)}")
    rows["list `last_login_at=lt:` the oldest logins (20,000 or a fifth), newest first"] = (
        f"{elapsed:.1f} ms ({far['total_users']:,} users)")

    # A filter in another order, where the fixture puts the selected users at its far end
    # (phones, ids and login counts follow creation): the page walks the order's index for a
    # bounded number of users, then reads the filter's index (store/user_walk.rs).
    cut = stamp(EPOCH + oldest + 3600)
    rows["list, a filter in another order, its users at the far end (5), slowest"] = slowest(
        bench, port, [(name, f"{base}/users?limit=20&{query}") for name, query in [
            ("oldest logins by login_count:DESC", f"last_login_at=lt:{cut}&order_by=login_count:DESC"),
            ("oldest logins by phone:DESC", f"last_login_at=lt:{cut}&order_by=phone:DESC"),
            ("oldest logins by id:DESC", f"last_login_at=lt:{cut}&order_by=id:DESC"),
            ("inactive by login_count:DESC", "status=inactive&order_by=login_count:DESC"),
            ("inactive by phone:ASC", "status=inactive&order_by=phone:ASC"),
        ]])

    hot = user_id(next(i for i in range(size) if i not in picks))
    rows["GET user, one hot id, under load"] = load(bench, args, port, f"{base}/users/{hot}")
    random_users = lua_random(size, f"{base}/users/scaleuser%015d")
    rows["GET user, random ids, under load"] = load(bench, args, port, script=random_users)
    random_emails = lua_random(size, f"{base}/users?limit=1&identifier=user%d%%40example.com")
    rows["list `identifier=`, random emails, under load"] = load(bench, args, port, script=random_emails)
    scripts = [random_users, random_emails]
    # The other single-user operations the SDKs send, at random users (the PATCH last: it
    # writes); DELETE user is left out: at 1,000 users a load would delete every user at once.
    for name, script in [
        ("GET user devices", lua_random(size, f"{base}/users/scaleuser%015d/devices")),
        ("DELETE user tokens", lua_random(size, f"{base}/users/scaleuser%015d/tokens",
                                          "DELETE", {}, bench.KEY)),
        ("Auth API `GET users?identifier=`",
         lua_random(size, f"/auth/v1/apps/{APP}/users?identifier=user%d%%40example.com")),
        ("PATCH user (`user_metadata`)", lua_random(size, f"{base}/users/scaleuser%015d", "PATCH",
                                                    {"user_metadata": {}}, bench.KEY)),
    ]:
        rows[f"{name}, random users, under load"] = load(bench, args, port, script=script)
        scripts.append(script)
    rows["RSS after the load"] = f"{bench.rss_kib(process.pid) / 1024:.1f} MiB"
    rows["DELETE user"] = ms(median_ms(
        bench, port, [("DELETE", f"{base}/users/{user_id(i)}") for i in three]))
    for script in scripts:
        os.remove(script)

    signed_in = sessions(bench, port, size)
    rows["sessions (refresh tokens) at reset"] = f"{signed_in:,}"
    sent = outstanding(port, size)
    rows["passcodes and magic links outstanding at reset"] = f"{sent:,}"
    elapsed, answer = timed(bench, port, "POST", "/_emulator/reset")
    rows["POST /_emulator/reset (all users)"] = f"{elapsed:.1f} ms ({answer['users']:,} users)"
    bench.stop(process)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)
    return rows


def run(bench, args):
    sizes = [int(size) for size in args.scale.split(",")]
    columns = [measure(bench, args, size) for size in sizes]
    print(f"wrk: 2 threads, {args.connections} connections, {args.duration} s each\n")
    table([(column["users"] + " users", column) for column in columns], skip=1)


def table(columns, skip=0):
    """Prints a Markdown table of named columns of rows (dicts with the same keys)."""
    names = list(columns[0][1])[skip:]
    print("| measure | " + " | ".join(name for name, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name in names:
        print(f"| {name} | " + " | ".join(rows[name] for _, rows in columns) + " |")
