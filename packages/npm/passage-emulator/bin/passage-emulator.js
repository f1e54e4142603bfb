#!/usr/bin/env node
"use strict";
// `npx passage-emulator [args]`: runs the native binary with these arguments, passes SIGINT,
// SIGTERM and SIGHUP on, and exits as the binary did.

const { spawn } = require("node:child_process");
const { findBinary } = require("../lib/binary.cjs");

let binary;
try {
  binary = findBinary();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`passage-emulator: cannot run ${binary}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so the caller sees what the binary saw.
    for (const name of forwarded) process.removeAllListeners(name);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
