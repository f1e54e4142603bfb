// The official passage-node 2.12.1, unmodified, against the emulator reached the way a
// deployed backend reaches Passage: by name. https://api.passage.id and https://auth.passage.id
// resolve to 127.0.0.1 (/etc/hosts, as the docker-compose aliases do), the emulator serves
// TLS on 443 with its local CA, and Node trusts that CA through NODE_EXTRA_CA_CERTS. Nothing
// in the SDK or its requests is rewritten.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { Passage, PassageError } from "@passageidentity/passage-node";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const BINARY = process.env.PASSAGE_EMULATOR_BIN ?? join(root, "target", "debug", "passage-emulator");
const APP_ID = "defaultapp00000000000001";
const API_KEY = "emulator-api-key";

let emulator;
let base;

/** What this suite needs from the machine; a missing piece fails it, never skips it. */
async function checkMachine() {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  assert.ok(ca && existsSync(ca), "NODE_EXTRA_CA_CERTS must name the emulator's CA (passage-emulator ca)");
  assert.ok(process.env.PASSAGE_EMULATOR_DATA_DIR, "PASSAGE_EMULATOR_DATA_DIR must be the CA's folder");
  assert.equal(readFileSync(ca, "utf8"), readFileSync(join(process.env.PASSAGE_EMULATOR_DATA_DIR, "ca.pem"), "utf8"));
  for (const name of ["api.passage.id", "auth.passage.id"]) {
    const { address } = await lookup(name, { family: 4 });
    assert.equal(address, "127.0.0.1", `${name} must resolve to 127.0.0.1 (/etc/hosts)`);
  }
  assert.ok(existsSync(BINARY), `no emulator binary at ${BINARY}: run cargo build`);
}

before(async () => {
  await checkMachine();
  emulator = spawn(
    BINARY,
    ["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:443", "--database", ":memory:"],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1", RUST_LOG: "info" } },
  );
  base = await new Promise((resolve, reject) => {
    let seen = "";
    emulator.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match && seen.includes("HTTPS:")) resolve(match[1]);
    });
    emulator.on("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
  });
  emulator.stdout.resume();
});

after(() => emulator?.kill("SIGTERM"));

/** The emulator's own API (plain HTTP): signing a user in, as a browser would. */
async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Registers `email` with a passkey held by a virtual authenticator; the auth result. */
async function registerWithPasskey(email) {
  const auth = `/auth/v1/apps/${APP_ID}`;
  await call("POST", "/_emulator/authenticators", { id: `node-${email}` });
  const start = await call("POST", `${auth}/register/webauthn/start`, { identifier: email });
  const finish = await call("POST", `/_emulator/authenticators/node-${email}/register`, start);
  return (await call("POST", `${auth}/register/webauthn/finish`, finish)).auth_result;
}

test("passage-node manages users, devices and sessions and validates tokens", async () => {
  const passage = new Passage({ appID: APP_ID, apiKey: API_KEY });

  const created = await passage.user.create({ email: "ada@example.com", user_metadata: {} });
  assert.equal(created.email, "ada@example.com");
  assert.equal(created.status, "active");
  const fetched = await passage.user.get(created.id);
  assert.deepEqual(fetched, created);
  assert.equal((await passage.user.getByIdentifier("ADA@example.com")).id, created.id);

  const updated = await passage.user.update(created.id, { phone: "+14155552671" });
  assert.equal(updated.phone, "+14155552671");
  assert.equal((await passage.user.deactivate(created.id)).status, "inactive");
  assert.equal((await passage.user.activate(created.id)).status, "active");

  const link = await passage.auth.createMagicLink({ email: "ada@example.com", type: "login", send: false });
  assert.equal(link.identifier, "ada@example.com");
  assert.match(link.url, /psg_magic_link=/);

  // A passkey user: devices listed and revoked, the session's token validated, then revoked.
  const session = await registerWithPasskey("grace@example.com");
  const graceId = await passage.auth.validateJwt(session.auth_token);
  const devices = await passage.user.listDevices(graceId);
  assert.equal(devices.length, 1);
  assert.equal(devices[0].type, "passkey");
  assert.equal(await passage.user.revokeDevice(graceId, devices[0].id), true);
  assert.deepEqual(await passage.user.listDevices(graceId), []);
  assert.equal(await passage.user.revokeRefreshTokens(graceId), true);
  const refresh = await fetch(`${base}/auth/v1/apps/${APP_ID}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: session.refresh_token }),
  });
  assert.equal(refresh.status, 401);

  await assert.rejects(passage.auth.validateJwt(session.auth_token.slice(0, -4) + "AAAA"), PassageError);

  assert.equal(await passage.user.delete(created.id), true);
  await assert.rejects(passage.user.get(created.id), (error) => {
    assert.ok(error instanceof PassageError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.errorCode, "user_not_found");
    return true;
  });
  await assert.rejects(passage.user.getByIdentifier("nobody@example.com"), PassageError);
});
