#!/usr/bin/env node
// Puts a built binary into its npm platform package, ready for `npm pack` or `npm publish`:
//   node packages/npm/scripts/stage.mjs linux-x64 target/x86_64-unknown-linux-musl/release/passage-emulator
// The release workflow runs it once per platform; .ci/run runs it with the debug build.

import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [platform, binary] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = join(root, "platforms", platform ?? "");
if (!platform || !binary || !existsSync(join(packageDir, "package.json"))) {
  console.error("usage: stage.mjs <linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64> <binary>");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const [file] = manifest.files;
mkdirSync(dirname(join(packageDir, file)), { recursive: true });
copyFileSync(binary, join(packageDir, file));
chmodSync(join(packageDir, file), 0o755);
console.log(`${manifest.name}@${manifest.version}: ${file} from ${binary}`);
