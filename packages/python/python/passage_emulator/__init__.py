"""A local emulator of the Passage by 1Password API for test suites.

    import passage_emulator

    with passage_emulator.start() as emu:
        ...  # emu.url, emu.app_id, emu.api_key, emu.inbox.latest("ada@example.com", wait=5)

Standard library only (subprocess, urllib). The binary comes from PASSAGE_EMULATOR_BINARY,
the wheel's own script, or PATH (see `find_binary`).
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from passage_emulator._binary import find_binary

__all__ = ["Emulator", "EmulatorError", "find_binary", "start"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_LINES_KEPT = 40

Fixture = Union[str, "os.PathLike[str]", Mapping[str, Any]]


class EmulatorError(RuntimeError):
    """The emulator could not be started, or a call to it failed (``status`` and ``body``)."""

    def __init__(self, message: str, status: Optional[int] = None, body: str = ""):
        super().__init__(message)
        self.status = status
        self.body = body


def _fixture_args(fixtures: Union[Fixture, Sequence[Fixture], None], folder: str) -> list:
    if fixtures is None:
        return []
    if isinstance(fixtures, (str, os.PathLike, Mapping)):
        fixtures = [fixtures]
    args = []
    for index, fixture in enumerate(fixtures):
        if isinstance(fixture, Mapping):
            path = os.path.join(folder, f"fixtures-{index}.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(fixture, file)
        else:
            path = os.path.abspath(os.fspath(fixture))
        args += ["--fixtures", path]
    return args


def _stop_process(process: subprocess.Popen, folder: str) -> None:
    """SIGTERM, then SIGKILL after STOP_TIMEOUT; the temporary folder removed. Also run by the
    finaliser when an Emulator is garbage collected or the interpreter exits."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdin:
        process.stdin.close()
    shutil.rmtree(folder, ignore_errors=True)


def _query(**params: Any) -> str:
    present = {key: str(value) for key, value in params.items() if value is not None}
    return "?" + urllib.parse.urlencode(present) if present else ""


class _Inbox:
    def __init__(self, emulator: "Emulator"):
        self._emulator = emulator

    def latest(self, to: str, wait: float = 0, after: Optional[str] = None, app_id: Optional[str] = None,
               channel: Optional[str] = None, kind: Optional[str] = None) -> Optional[dict]:
        """The newest email or SMS to `to`, waiting up to `wait` seconds for one; None when
        there is none."""
        wait_param = f"{round(wait * 1000)}ms" if wait else None
        query = _query(to=to, wait=wait_param, after=after, app_id=app_id, channel=channel, kind=kind)
        return self._emulator.request("GET", f"/_emulator/inbox/latest{query}", not_found=None)

    def list(self, to: Optional[str] = None, channel: Optional[str] = None, kind: Optional[str] = None,
             app_id: Optional[str] = None, page: Optional[int] = None, limit: Optional[int] = None) -> list:
        """Messages, newest first."""
        query = _query(to=to, channel=channel, kind=kind, app_id=app_id, page=page, limit=limit)
        return self._emulator.request("GET", f"/_emulator/inbox{query}")["messages"]

    def clear(self, to: Optional[str] = None, channel: Optional[str] = None, kind: Optional[str] = None,
              app_id: Optional[str] = None) -> dict:
        query = _query(to=to, channel=channel, kind=kind, app_id=app_id)
        return self._emulator.request("DELETE", f"/_emulator/inbox{query}")


class _Authenticators:
    def __init__(self, emulator: "Emulator"):
        self._emulator = emulator

    def _path(self, id: str, action: str = "") -> str:
        return f"/_emulator/authenticators/{urllib.parse.quote(id, safe='')}{action}"

    def create(self, **options: Any) -> dict:
        """A virtual authenticator: id, name, algorithm (ES256, EdDSA), aaguid, sign_count,
        private_key, credentials."""
        return self._emulator.request("POST", "/_emulator/authenticators", options)

    def list(self) -> Any:
        return self._emulator.request("GET", "/_emulator/authenticators")

    def get(self, id: str) -> dict:
        return self._emulator.request("GET", self._path(id))

    def delete(self, id: str) -> Any:
        return self._emulator.request("DELETE", self._path(id))

    def register(self, id: str, start_response: Mapping[str, Any]) -> dict:
        """Answers a registration start response with the body of the finish call."""
        return self._emulator.request("POST", self._path(id, "/register"), dict(start_response))

    def login(self, id: str, start_response: Mapping[str, Any]) -> dict:
        """Answers a login start response with the body of the finish call."""
        return self._emulator.request("POST", self._path(id, "/login"), dict(start_response))


class _Clock:
    def __init__(self, emulator: "Emulator"):
        self._emulator = emulator

    def now(self) -> dict:
        return self._emulator.request("GET", "/_emulator/clock")

    def advance(self, seconds: float) -> dict:
        return self._emulator.request("POST", "/_emulator/clock", {"advance_seconds": seconds})

    def set(self, now: Any) -> dict:
        """`now`: a datetime (with a time zone) or an RFC 3339 string."""
        text = now.isoformat() if hasattr(now, "isoformat") else str(now)
        return self._emulator.request("POST", "/_emulator/clock", {"now": text})

    def restore(self) -> dict:
        return self._emulator.request("DELETE", "/_emulator/clock")


class Emulator:
    """A running emulator, from `start()`. A context manager: leaving the block stops it."""

    def __init__(self, ready: dict, process: subprocess.Popen, lines: collections.deque, folder: str):
        self.url: str = ready["url"]
        self.auth_url: str = ready["auth_url"]
        self.management_url: str = ready["management_url"]
        self.app_id: Optional[str] = ready["app_id"]
        self.api_key: Optional[str] = ready["api_key"]
        self.tls_addr: Optional[str] = ready["tls_addr"]
        self.proxy_url: Optional[str] = ready["proxy_url"]
        self.ca_file: Optional[str] = ready["ca_file"]
        self.pid: int = ready["pid"]
        # Weak proxies: no reference cycle, so a dropped Emulator is collected (and its process
        # stopped) at once rather than at the next cycle collection.
        me = weakref.proxy(self)
        self.inbox = _Inbox(me)
        self.authenticators = _Authenticators(me)
        self.clock = _Clock(me)
        self._process = process
        self._lines = lines
        # Stops the process when this object is collected or the interpreter exits.
        self._finalizer = weakref.finalize(self, _stop_process, process, folder)

    def request(self, method: str, path: str, body: Any = None, **how: Any) -> Any:
        """A call to the emulator, JSON in and out. An error status raises EmulatorError; with
        `not_found=...`, a 404 returns that value instead."""
        data = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"content-type": "application/json"}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            if error.code == 404 and "not_found" in how:
                return how["not_found"]
            raise EmulatorError(f"{method} {path}: {error.code} {text}", error.code, text) from None
        return json.loads(text) if text else None

    def reset(self, app_id: Optional[str] = None) -> Any:
        """Forgets users, tokens, messages and handshakes; keeps apps, keys and authenticators."""
        return self.request("POST", f"/_emulator/reset{_query(app_id=app_id)}")

    def snapshot(self, name: str) -> Any:
        """Saves the whole state under `name` (replacing a snapshot of that name)."""
        return self.request("POST", "/_emulator/snapshots", {"name": name})["snapshot"]

    def restore(self, name: str) -> Any:
        """Puts the state back exactly as the snapshot `name` holds it (milliseconds)."""
        path = f"/_emulator/snapshots/{urllib.parse.quote(name, safe='')}/restore"
        return self.request("POST", path)["snapshot"]

    def export_state(self, app_id: Optional[str] = None, format: Optional[str] = None) -> Any:
        """The state as a fixture document; `format="passkeys"` gives the migration export."""
        return self.request("GET", f"/_emulator/export{_query(app_id=app_id, format=format)}")

    def load_fixtures(self, document: Mapping[str, Any]) -> Any:
        """Loads a fixture document (docs/FIXTURES.md)."""
        return self.request("POST", "/_emulator/fixtures", dict(document))

    def logs(self) -> str:
        """The emulator's last log lines."""
        return "\n".join(self._lines)

    def stop(self) -> None:
        """Stops the emulator gracefully and removes its temporary files; idempotent."""
        self._finalizer()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<passage_emulator.Emulator {self.url} app {self.app_id}>"


def _keep_lines(stream: Any, lines: collections.deque) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))


def start(fixtures: Union[Fixture, Sequence[Fixture], None] = None, args: Iterable[str] = (),
          env: Optional[Mapping[str, str]] = None, start_timeout: float = START_TIMEOUT) -> Emulator:
    """Starts a fresh emulator on a free port with an in-memory database and returns once it
    serves. `fixtures`: paths or fixture documents (dicts), loaded instead of the default app;
    `args`: more flags; `env`: more environment variables for the emulator."""
    binary = find_binary()
    folder = tempfile.mkdtemp(prefix="passage-emulator-")
    ready_file = os.path.join(folder, "ready.json")
    try:
        fixture_flags = _fixture_args(fixtures, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    command = [
        binary, "--listen", "127.0.0.1:0", "--database", ":memory:",
        "--data-dir", os.path.join(folder, "data"), "--ready-file", ready_file,
        # Holding its stdin open: if this process dies, however it dies, the emulator stops.
        "--exit-on-stdin-close",
        *fixture_flags, *args,
    ]
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace", env={**os.environ, "NO_COLOR": "1", **(env or {})},
        )
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise EmulatorError(f"passage-emulator could not be started ({binary}): {error}") from error
    lines: collections.deque = collections.deque(maxlen=LOG_LINES_KEPT)
    threading.Thread(target=_keep_lines, args=(process.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + start_timeout
    while not os.path.exists(ready_file):
        failure = None
        if process.poll() is not None:
            failure = f"exited (code {process.returncode}) before it was ready"
        elif time.monotonic() > deadline:
            failure = f"was not ready within {start_timeout:g} s"
        if failure:
            _stop_process(process, folder)
            time.sleep(0.05)  # the reader thread takes the last lines
            shown = "\n".join(lines) or "(it printed nothing)"
            raise EmulatorError(f"passage-emulator {failure}. Its last lines:\n{shown}")
        time.sleep(0.005)
    with open(ready_file, encoding="utf-8") as file:
        ready = json.load(file)
    return Emulator(ready, process, lines, folder)
