"""`python -m passage_emulator [args]` runs the binary with those arguments."""

import os
import subprocess
import sys

from passage_emulator._binary import find_binary


def main() -> int:
    binary = find_binary()
    if os.name == "nt":
        return subprocess.call([binary, *sys.argv[1:]])
    os.execv(binary, [binary, *sys.argv[1:]])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
