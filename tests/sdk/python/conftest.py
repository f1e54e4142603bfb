"""Starts the emulator binary for the official passage-python SDK tests.

The binary comes from PASSAGE_EMULATOR_BIN, or target/debug/passage-emulator (built by
`cargo build`, which .ci/run does first). Each test gets a fresh emulator with an in-memory
database seeded from tests/fixtures/shop.json.
"""

import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
BINARY = os.environ.get("PASSAGE_EMULATOR_BIN", str(ROOT / "target" / "debug" / "passage-emulator"))
SHOP_APP = "shopapp00000000000000001"
SHOP_KEY = "shop-api-key-0001"


def start_emulator(*flags):
    """Starts the emulator binary (a free port, an in-memory database, and `flags`) and waits
    for its banner. Returns the process and its plain HTTP base URL."""
    if not os.path.exists(BINARY):
        pytest.fail(f"no emulator binary at {BINARY}: run `cargo build` first")
    process = subprocess.Popen(
        [BINARY, "--listen", "127.0.0.1:0", "--database", ":memory:", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, NO_COLOR="1", RUST_LOG="info"),
    )
    address = None
    for line in process.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            address = match.group(1)
        if "  app " in line:
            break
    if address is None:
        process.kill()
        pytest.fail("the emulator did not print its address")
    return process, address


@pytest.fixture
def emulator():
    """The base URL of a running emulator; stopped with SIGTERM after the test."""
    process, address = start_emulator("--fixtures", str(ROOT / "tests" / "fixtures" / "shop.json"))
    yield address
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def passage(emulator):
    """An unmodified passage-python `Passage`, its generated client pointed at the emulator
    as the README explains."""
    from passageidentity import Passage
    from passageidentity.openapi_client.api_client import ApiClient
    from passageidentity.openapi_client.configuration import Configuration

    Configuration.set_default(Configuration(host=f"{emulator}/api/v1"))
    ApiClient.set_default(None)
    return Passage(SHOP_APP, SHOP_KEY)
