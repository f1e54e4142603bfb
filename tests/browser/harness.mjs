// What the browser suite needs around the page: the emulator binary, a static server for the
// page on http://localhost (an IP is not a valid rp id), Debian's Chromium driven by
// playwright-core, and the rewrite of https://auth.passage.id/v1 to the emulator.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

export const APP_ID = "defaultapp00000000000001";
export const ADMIN_KEY = "emulator-admin-key";
const BINARY = process.env.PASSAGE_EMULATOR_BIN ?? join(root, "target", "debug", "passage-emulator");
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

/** Starts the emulator on a free port with an in-memory database (and `extra` flags);
 * resolves to its base URL. */
export async function startEmulator(extra = []) {
  if (!existsSync(BINARY)) {
    throw new Error(`no emulator binary at ${BINARY}: run \`cargo build\` first`);
  }
  const child = spawn(BINARY, ["--listen", "127.0.0.1:0", "--database", ":memory:", ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NO_COLOR: "1", RUST_LOG: "info" },
  });
  const base = await new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
  });
  child.stdout.resume();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Resolves once the process is gone, so its ports (443 for the drop-in suite) are free.
  const stop = () => {
    child.kill("SIGTERM");
    return exited;
  };
  return { base, stop };
}

/** Bundles page/entry.js (passage-js and its dependencies) and serves the page. */
export async function startPage() {
  const bundle = await build({
    entryPoints: [join(here, "page", "entry.js")],
    bundle: true,
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0].text;
  const html = await readFile(join(here, "page", "index.html"), "utf8");
  const server = createServer((request, response) => {
    if (request.url === "/bundle.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(html);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${server.address().port}`;
  return { origin, stop: () => server.close() };
}

/** Debian's Chromium, headless, with the flags this closed network needs. A missing browser
 * is an error: the suite never skips. */
export async function launchBrowser(extra = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extra,
    ],
  });
}

/** Sends the page's Passage traffic to the emulator; anything else off localhost (and the
 * emulator itself, where social and hosted login redirect the browser) is refused. Redirects
 * are handed to the browser, which follows them itself. */
export async function routeToEmulator(page, emulator) {
  await page.route(/^https?:\/\//, async (route) => {
    const url = route.request().url();
    if (url.startsWith("https://auth.passage.id/v1/")) {
      const target = url.replace("https://auth.passage.id/v1/", `${emulator}/auth/v1/`);
      const response = await route.fetch({ url: target, maxRedirects: 0 });
      await route.fulfill({ response });
    } else if (url.startsWith("http://localhost:") || url.startsWith(`${emulator}/`)) {
      await route.continue();
    } else {
      await route.abort();
    }
  });
}

/** A CTAP2 platform authenticator in Chromium (CDP WebAuthn domain) that always verifies. */
export async function addVirtualAuthenticator(cdp) {
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

/** JSON call to the emulator. */
export async function call(base, method, path, body, key) {
  const headers = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** What a backend does with a Passage auth token: verify it against the app's JWKS (RS256,
 * Passage's issuer, the app id in the audience, typ JWT). Resolves to the claims. */
export async function verifyAuthToken(base, token) {
  const jwks = createRemoteJWKSet(new URL(`${base}/auth/v1/apps/${APP_ID}/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: `https://auth.passage.id/v1/apps/${APP_ID}`,
    audience: APP_ID,
    algorithms: ["RS256"],
  });
  if (protectedHeader.typ !== "JWT") throw new Error(`typ ${protectedHeader.typ}`);
  return payload;
}
