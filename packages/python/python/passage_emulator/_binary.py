"""Which passage-emulator binary to run: PASSAGE_EMULATOR_BINARY, else the one this wheel
installed into its environment's scripts folder (as ruff finds its own), else one on PATH."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig

EXECUTABLE = "passage-emulator" + (sysconfig.get_config_var("EXE") or "")


def _scripts_dirs():
    """Where pip puts a wheel's scripts: this environment's, the user scheme's, and beside a
    `pip install --target` folder."""
    yield sysconfig.get_path("scripts")
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    yield sysconfig.get_path("scripts", scheme=user_scheme)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yield os.path.join(package_root, "bin")


def find_binary() -> str:
    """The path of the passage-emulator binary; FileNotFoundError naming the three places
    looked at when there is none."""
    from_env = os.environ.get("PASSAGE_EMULATOR_BINARY")
    if from_env:
        if not os.path.isfile(from_env):
            raise FileNotFoundError(f"PASSAGE_EMULATOR_BINARY is {from_env}, which is not a file")
        return from_env
    for folder in _scripts_dirs():
        candidate = os.path.join(folder, EXECUTABLE)
        if os.path.isfile(candidate):
            return candidate
    on_path = shutil.which(EXECUTABLE)
    if on_path:
        return on_path
    raise FileNotFoundError(
        "passage-emulator: no binary found. Looked for (1) the PASSAGE_EMULATOR_BINARY "
        "environment variable, (2) the binary the passage-emulator wheel installs into "
        f"{sysconfig.get_path('scripts')} (pip install passage-emulator), (3) {EXECUTABLE} "
        "on PATH (npm, cargo install)."
    )
