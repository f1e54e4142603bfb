"""The pytest plugin (entry point `pytest11`): `passage_emulator` is one emulator for the
session, `passage` is that emulator reset before the test that uses it.

Settings (pytest.ini, pyproject's [tool.pytest.ini_options], or setup.cfg):
`passage_emulator_fixtures` (fixture files, one a line, relative to the rootdir) and
`passage_emulator_args` (more flags)."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from passage_emulator import Emulator, start


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "passage_emulator_fixtures",
        "fixture files the session's passage-emulator loads instead of the default app",
        type="linelist",
        default=[],
    )
    parser.addini("passage_emulator_args", "more passage-emulator flags", type="args", default=[])


@pytest.fixture(scope="session")
def passage_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """One emulator for the whole session (a free port, an in-memory database)."""
    root = str(pytestconfig.rootpath)
    fixtures = [os.path.join(root, path) for path in pytestconfig.getini("passage_emulator_fixtures")]
    with start(fixtures=fixtures or None, args=pytestconfig.getini("passage_emulator_args")) as emulator:
        yield emulator


@pytest.fixture
def passage(passage_emulator: Emulator) -> Emulator:
    """The session's emulator, with users, tokens and messages forgotten (apps, keys and
    virtual authenticators kept)."""
    passage_emulator.reset()
    return passage_emulator
