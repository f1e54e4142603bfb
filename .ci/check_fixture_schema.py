#!/usr/bin/env python3
"""Keeps fixtures/fixtures.schema.json honest: every fixture the project ships or tests with
must validate against it, and documents the emulator refuses must fail it."""

import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((ROOT / "fixtures" / "fixtures.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failures = 0
checked = 0
files = sorted((ROOT / "fixtures").glob("*.json")) + sorted((ROOT / "tests" / "fixtures").glob("*.json"))
for path in files:
    if path.name.endswith(".schema.json"):
        continue
    checked += 1
    errors = list(validator.iter_errors(json.loads(path.read_text())))
    for error in errors:
        print(f"{path.relative_to(ROOT)}: {error.json_path}: {error.message}")
    failures += 1 if errors else 0

refused = [
    {"apps": [{"id": "a", "settings": {"nmae": "typo"}}]},
    {"apps": [{"id": "a", "users": [{"id": "u"}]}]},
    {"apps": [{"id": "x y"}]},
    {"apps": [{"id": "a", "settings": {"auth_origin": "https://x.io/"}}]},
    {"aps": []},
]
for document in refused:
    checked += 1
    if validator.is_valid(document):
        print(f"the schema accepts what the emulator refuses: {json.dumps(document)}")
        failures += 1

print(f"{checked - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
