"use strict";
// Which passage-emulator binary to run: PASSAGE_EMULATOR_BINARY, else the platform package
// npm installed beside this one (as esbuild and biome ship theirs), else one on PATH.

const fs = require("node:fs");
const path = require("node:path");

/** npm platform package per `${process.platform}-${process.arch}`. */
const PLATFORM_PACKAGES = {
  "darwin-arm64": "@passage-emulator/darwin-arm64",
  "darwin-x64": "@passage-emulator/darwin-x64",
  "linux-arm64": "@passage-emulator/linux-arm64",
  "linux-x64": "@passage-emulator/linux-x64",
  "win32-x64": "@passage-emulator/win32-x64",
};

const EXECUTABLE = process.platform === "win32" ? "passage-emulator.exe" : "passage-emulator";
const LAUNCHER = path.join(__dirname, "..", "bin", "passage-emulator.js");

function isFile(candidate) {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** True for this package's own launcher (npm links it into node_modules/.bin on PATH). */
function isLauncher(candidate) {
  try {
    if (fs.realpathSync(candidate) === fs.realpathSync(LAUNCHER)) return true;
    const head = Buffer.alloc(64);
    const fd = fs.openSync(candidate, "r");
    const read = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    return /^#!.*\bnode\b/.test(head.subarray(0, read).toString("latin1"));
  } catch {
    return false;
  }
}

function fromPlatformPackage() {
  const name = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!name) return null;
  try {
    return require.resolve(`${name}/bin/${EXECUTABLE}`);
  } catch {
    return null;
  }
}

function fromPath() {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, EXECUTABLE);
    if (isFile(candidate) && !isLauncher(candidate)) return candidate;
  }
  return null;
}

/**
 * The path of the passage-emulator binary. Throws an error naming all three places it looked.
 * @returns {string}
 */
function findBinary() {
  const fromEnv = process.env.PASSAGE_EMULATOR_BINARY;
  if (fromEnv) {
    if (!isFile(fromEnv)) {
      throw new Error(`PASSAGE_EMULATOR_BINARY is ${fromEnv}, which is not a file`);
    }
    return fromEnv;
  }
  const found = fromPlatformPackage() || fromPath();
  if (found) return found;
  const platform = `${process.platform}-${process.arch}`;
  const name = PLATFORM_PACKAGES[platform];
  throw new Error(
    "passage-emulator: no binary found. Looked for (1) the PASSAGE_EMULATOR_BINARY environment " +
      `variable, (2) the platform package ${name || `for ${platform} (none is published)`}, ` +
      `normally installed with passage-emulator as an optional dependency (reinstall without ` +
      `--no-optional / --omit=optional), (3) ${EXECUTABLE} on PATH (cargo install, pip install ` +
      "passage-emulator).",
  );
}

module.exports = { findBinary, PLATFORM_PACKAGES };
