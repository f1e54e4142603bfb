"""docs/SDKS.md's passage-python block, run as written (the emulator's address put in for
127.0.0.1:7277) against a fresh emulator: the snippet a user copies works."""

import json
import os
import urllib.request

import passage_emulator


def snippet(markdown, name):
    """The fenced block after the `<!-- tested: ... -->` line naming `name`."""
    lines = markdown.split("\n")
    marker = next(i for i, line in enumerate(lines) if line.startswith("<!-- tested:") and name in line)
    start = next(i for i in range(marker + 1, len(lines)) if lines[i].startswith("```"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    return "\n".join(lines[start + 1:end])


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_the_passage_python_snippet_of_the_docs_signs_a_user_in():
    docs = os.environ.get("PASSAGE_EMULATOR_DOCS")
    assert docs, "PASSAGE_EMULATOR_DOCS must name the checkout's docs folder"
    with open(os.path.join(docs, "SDKS.md"), encoding="utf-8") as file:
        block = snippet(file.read(), "tests/packages/python/test_sdks_snippet.py")
    from passageidentity import CreateUserArgs
    from passageidentity.openapi_client.api_client import ApiClient

    ApiClient.set_default(None)  # earlier tests' client; an app runs the snippet once at start
    with passage_emulator.start() as emu:
        namespace = {}
        exec(block.replace("http://127.0.0.1:7277", emu.url), namespace)
        passage = namespace["passage"]
        user = passage.user.create(CreateUserArgs(email="snippet@example.com"))
        base = f"{emu.auth_url}/apps/{emu.app_id}"
        started = post(f"{base}/login/otp", {"identifier": "snippet@example.com"})
        code = emu.inbox.latest("snippet@example.com", wait=5)["otp"]
        result = post(f"{base}/otp/activate", {"otp": code, "otp_id": started["otp_id"]})
        assert passage.auth.validate_jwt(result["auth_result"]["auth_token"]) == user.id
