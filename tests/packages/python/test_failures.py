"""The helper's errors: no binary, an emulator that exits during start, one never ready. None
leaves a process behind."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

import passage_emulator


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_gone(pid, seconds=5.0):
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)


def test_a_missing_binary_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PASSAGE_EMULATOR_BINARY", "/no/such/passage-emulator")
    with pytest.raises(FileNotFoundError, match="PASSAGE_EMULATOR_BINARY is /no/such/passage-emulator"):
        passage_emulator.start()


def test_an_emulator_that_exits_during_start_reports_its_last_lines():
    with pytest.raises(passage_emulator.EmulatorError) as raised:
        passage_emulator.start(fixtures="/no/such/fixtures.json")
    assert "exited (code 1) before it was ready" in str(raised.value)
    assert "/no/such/fixtures.json" in str(raised.value)


def test_an_emulator_not_ready_in_time_is_stopped_and_reported(tmp_path, monkeypatch):
    script = tmp_path / "never-ready"
    script.write_text(f'#!/bin/sh\necho "$$" > {tmp_path}/pid\necho starting slowly\nexec sleep 60\n')
    script.chmod(0o755)
    monkeypatch.setenv("PASSAGE_EMULATOR_BINARY", str(script))
    with pytest.raises(passage_emulator.EmulatorError, match=r"not ready within 0.5 s[\s\S]*starting slowly"):
        passage_emulator.start(start_timeout=0.5)
    assert wait_gone(int((tmp_path / "pid").read_text()))


def test_stop_and_garbage_collection_end_the_process():
    emu = passage_emulator.start()
    pid = emu.pid
    emu.stop()
    assert wait_gone(pid)
    emu = passage_emulator.start()
    pid = emu.pid
    del emu  # no stop(): the finaliser does it
    assert wait_gone(pid)


def test_an_emulator_whose_test_process_is_killed_stops_by_itself():
    program = textwrap.dedent("""
        import time, passage_emulator
        emu = passage_emulator.start()
        print(emu.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    assert alive(pid)
    parent.kill()
    parent.wait()
    assert wait_gone(pid), "the emulator outlived its killed parent"
