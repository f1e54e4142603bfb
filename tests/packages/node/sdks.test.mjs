// docs/SDKS.md's passage-node block, run as written (the emulator's address put in for
// 127.0.0.1:7277) against a fresh emulator: the snippet a user copies works.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";

import { startEmulator } from "passage-emulator";

/** The fenced block after the `<!-- tested: ... -->` line naming `name`. */
function snippet(markdown, name) {
  const lines = markdown.split("\n");
  const marker = lines.findIndex((line) => line.startsWith("<!-- tested:") && line.includes(name));
  assert.ok(marker >= 0, `docs/SDKS.md has no block tested by ${name}`);
  const open = lines.findIndex((line, index) => index > marker && line.startsWith("```"));
  const close = lines.findIndex((line, index) => index > open && line.startsWith("```"));
  return lines.slice(open + 1, close).join("\n");
}

test("the passage-node snippet of docs/SDKS.md signs a user in", async () => {
  const docs = process.env.PASSAGE_EMULATOR_DOCS;
  assert.ok(docs, "PASSAGE_EMULATOR_DOCS must name the checkout's docs folder");
  const block = snippet(readFileSync(join(docs, "SDKS.md"), "utf8"), "tests/packages/node/sdks.test.mjs");
  const emulator = await startEmulator();
  try {
    const file = join(process.cwd(), "sdks-snippet.cjs");
    writeFileSync(file, `${block.replaceAll("http://127.0.0.1:7277", emulator.url)}\nmodule.exports = passage;\n`);
    const passage = createRequire(import.meta.url)(file);
    const user = await passage.user.create({ email: "snippet@example.com" });
    const base = `${emulator.authUrl}/apps/${emulator.appId}`;
    const post = async (path, body) =>
      (await fetch(base + path, { method: "POST", body: JSON.stringify(body) })).json();
    const { otp_id } = await post("/login/otp", { identifier: "snippet@example.com" });
    const { otp } = await emulator.inbox.latest("snippet@example.com", { wait: 5 });
    const { auth_result } = await post("/otp/activate", { otp, otp_id });
    assert.equal(await passage.auth.validateJwt(auth_result.auth_token), user.id);
  } finally {
    await emulator.stop();
  }
});
