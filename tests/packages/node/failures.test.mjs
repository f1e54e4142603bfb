// The helper's errors: no binary, an emulator that exits during start, one never ready. None
// leaves a process behind.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { startEmulator } from "passage-emulator";

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("a missing binary is a clear error", async () => {
  process.env.PASSAGE_EMULATOR_BINARY = "/no/such/passage-emulator";
  try {
    await assert.rejects(startEmulator(), /PASSAGE_EMULATOR_BINARY is \/no\/such\/passage-emulator, which is not a file/);
  } finally {
    delete process.env.PASSAGE_EMULATOR_BINARY;
  }
});

test("an emulator that exits during start reports its last lines", async () => {
  await assert.rejects(
    startEmulator({ fixtures: "/no/such/fixtures.json" }),
    (error) => {
      assert.match(error.message, /exited \(code 1\) before it was ready/);
      assert.match(error.message, /\/no\/such\/fixtures\.json/);
      return true;
    },
  );
});

test("an emulator not ready in time is killed and reported", async () => {
  const dir = mkdtempSync(join(tmpdir(), "never-ready-"));
  const script = join(dir, "never-ready");
  writeFileSync(script, `#!/bin/sh\necho "$$" > ${dir}/pid\necho starting slowly\nexec sleep 60\n`);
  chmodSync(script, 0o755);
  process.env.PASSAGE_EMULATOR_BINARY = script;
  try {
    await assert.rejects(startEmulator({ startTimeout: 500 }), /not ready within 0\.5 s[\s\S]*starting slowly/);
  } finally {
    delete process.env.PASSAGE_EMULATOR_BINARY;
  }
  const { readFileSync } = await import("node:fs");
  const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(alive(pid), false, "the process was killed");
});

test("stop() ends the process", async () => {
  const emulator = await startEmulator();
  assert.ok(alive(emulator.pid));
  await emulator.stop();
  assert.equal(alive(emulator.pid), false);
});

test("an emulator whose test process is killed stops by itself", async () => {
  const program = `import { startEmulator } from "passage-emulator";
    const emulator = await startEmulator();
    console.log(emulator.pid);
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["--input-type=module", "-e", program], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = await new Promise((resolve, reject) => {
    parent.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    parent.once("exit", (code) => reject(new Error(`the test process exited (${code})`)));
  });
  assert.ok(alive(pid));
  parent.kill("SIGKILL");
  for (let i = 0; i < 250 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(alive(pid), false, "the emulator outlived its killed parent");
});
