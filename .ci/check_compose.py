#!/usr/bin/env python3
"""Validates docker-compose.yml with Debian's docker-compose (no engine needed for `config`),
and the same file with its commented example app service uncommented, so the example a user
copies is valid too. Also checks what the drop-in setup depends on: the network aliases,
TLS on 443 and the CA volume shared with the example service."""

import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
text = (ROOT / "docker-compose.yml").read_text()


def config(source: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".yml", dir=ROOT, delete=False) as file:
        file.write(source)
    try:
        result = subprocess.run(
            ["docker-compose", "-f", file.name, "config"], capture_output=True, text=True
        )
    finally:
        pathlib.Path(file.name).unlink()
    if result.returncode != 0:
        sys.exit(f"docker-compose config failed:\n{result.stderr}")
    return result.stdout


resolved = config(text)
for needed in ("- api.passage.id", "- auth.passage.id", "0.0.0.0:443", "passage-emulator-ca:/ca"):
    if needed not in resolved:
        sys.exit(f"docker-compose.yml lacks {needed!r}")

start = text.index("  # my-backend:")
end = text.index("\nvolumes:")
example = "\n".join(
    line.replace("  # ", "  ", 1) if line.startswith("  # ") else line
    for line in text[start:end].split("\n")
)
resolved = config(text[:start] + example + text[end:])
for needed in ("my-backend:", "passage-emulator-ca:/passage-ca:ro", "NODE_EXTRA_CA_CERTS: /passage-ca/ca.pem"):
    if needed not in resolved:
        sys.exit(f"the example service lacks {needed!r}")
print("docker-compose.yml and its example service are valid")
