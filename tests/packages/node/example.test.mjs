// A user's suite: passage-emulator from npm (its packed tarball), the official passage-node
// 2.12.1, unmodified, pointed at the emulator through its own `fetchApi` and `auth.jwks`.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { after, before, beforeEach, test } from "node:test";

import { Passage } from "@passageidentity/passage-node";
import { createRemoteJWKSet } from "jose";
import { findBinary, startEmulator } from "passage-emulator";

let emulator;
let passage;

before(async () => {
  assert.equal(process.env.PASSAGE_EMULATOR_BINARY, undefined, "the binary must come from the platform package");
  assert.match(findBinary(), /node_modules\/@passage-emulator\/linux-x64\/bin\/passage-emulator$/);
  emulator = await startEmulator();
  // passage-node 2.x takes `appID` (not `appId`) and a `fetchApi`; its JWKS is a property.
  passage = new Passage({
    appID: emulator.appId,
    apiKey: emulator.apiKey,
    fetchApi: (url, init) => fetch(String(url).replace("https://api.passage.id", `${emulator.url}/api`), init),
  });
  passage.auth.jwks = createRemoteJWKSet(new URL(`${emulator.authUrl}/apps/${emulator.appId}/.well-known/jwks.json`));
});

after(() => emulator?.stop());

beforeEach(() => emulator.reset());

/** The Auth API, as a browser would call it. */
async function auth(path, body) {
  const response = await fetch(`${emulator.authUrl}/apps/${emulator.appId}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  return { status: response.status, json };
}

test("the helper names a running emulator and the default app", async () => {
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(emulator.authUrl, `${emulator.url}/auth/v1`);
  assert.equal(emulator.managementUrl, `${emulator.url}/api/v1`);
  assert.equal(emulator.appId, "defaultapp00000000000001");
  assert.equal(emulator.apiKey, "emulator-api-key");
  const health = await fetch(`${emulator.url}/_emulator/health`);
  assert.deepEqual(await health.json(), { status: "ok" });
});

test("a user created with passage-node signs in with a passcode read from the inbox", async () => {
  const user = await passage.user.create({ email: "ada@example.com" });
  const started = await auth("/login/otp", { identifier: "ada@example.com" });
  assert.equal(started.status, 201);
  const message = await emulator.inbox.latest("ada@example.com", { wait: 5 });
  assert.equal(message.kind, "login_otp");
  assert.match(message.otp, /^\d{6}$/);
  const activated = await auth("/otp/activate", { otp: message.otp, otp_id: started.json.otp_id });
  assert.equal(activated.status, 200);
  assert.equal(await passage.auth.validateJwt(activated.json.auth_result.auth_token), user.id);
  assert.equal((await emulator.inbox.list({ to: "ada@example.com" })).length, 1);
  assert.deepEqual(await emulator.inbox.clear(), { deleted: 1 });
  assert.equal(await emulator.inbox.latest("ada@example.com"), null);
});

test("a virtual authenticator registers a passkey and signs in with it", async () => {
  const authenticator = await emulator.authenticators.create({ id: "phone" });
  assert.equal(authenticator.id, "phone");
  const registration = await auth("/register/webauthn/start", { identifier: "grace@example.com" });
  const registered = await auth(
    "/register/webauthn/finish",
    await emulator.authenticators.register("phone", registration.json),
  );
  assert.equal(registered.status, 201);
  const login = await auth("/login/webauthn/start", {});
  const loggedIn = await auth("/login/webauthn/finish", await emulator.authenticators.login("phone", login.json));
  assert.equal(loggedIn.status, 200);
  const userId = await passage.auth.validateJwt(loggedIn.json.auth_result.auth_token);
  const devices = await passage.user.listDevices(userId);
  assert.equal(devices.length, 1);
  await emulator.authenticators.delete("phone");
});

test("advancing the clock expires a passcode; reset forgets users", async () => {
  await passage.user.create({ email: "alan@example.com" });
  const started = await auth("/login/otp", { identifier: "alan@example.com" });
  const message = await emulator.inbox.latest("alan@example.com", { wait: 5 });
  const clock = await emulator.clock.advance(3600);
  assert.equal(clock.offset_seconds, 3600);
  const expired = await auth("/otp/activate", { otp: message.otp, otp_id: started.json.otp_id });
  assert.equal(expired.status, 400);
  assert.equal(expired.json.code, "invalid_request");
  assert.match(expired.json.error, /has expired/);
  assert.equal((await emulator.clock.restore()).offset_seconds, 0);
  await emulator.reset();
  await assert.rejects(passage.user.getByIdentifier("alan@example.com"), /User not found/);
});

test("a snapshot taken once is restored between tests; the state exports", async () => {
  await passage.user.create({ email: "seeded@example.com" });
  const taken = await emulator.snapshot("seeded");
  assert.equal(taken.users, 1);
  await passage.user.create({ email: "extra@example.com" });
  assert.equal((await emulator.restore("seeded")).name, "seeded");
  assert.equal((await passage.user.getByIdentifier("seeded@example.com")).email, "seeded@example.com");
  await assert.rejects(passage.user.getByIdentifier("extra@example.com"), /User not found/);
  const state = await emulator.exportState({ appId: emulator.appId });
  assert.deepEqual(state.apps[0].users.map((user) => user.email), ["seeded@example.com"]);
  const passkeys = await emulator.exportState({ format: "passkeys" });
  assert.equal(passkeys.format, "passkeys");
});

test("fixtures load through the helper", async () => {
  await emulator.loadFixtures({
    apps: [{ id: "fixtureapp00000000000001", api_keys: [{ key: "fixture-api-key-1" }] }],
  });
  const other = new Passage({
    appID: "fixtureapp00000000000001",
    apiKey: "fixture-api-key-1",
    fetchApi: (url, init) => fetch(String(url).replace("https://api.passage.id", `${emulator.url}/api`), init),
  });
  const app = await other.getApp();
  assert.equal(app.id, "fixtureapp00000000000001");
});

test("the CommonJS entry is the same implementation", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("passage-emulator");
  assert.equal(cjs.startEmulator, startEmulator);
});

test("npx passage-emulator runs the binary with its arguments", () => {
  const version = execFileSync("npx", ["--no-install", "passage-emulator", "--version"], { encoding: "utf8" });
  assert.match(version, /^passage-emulator \d+\.\d+\.\d+\n$/);
  const status = (() => {
    try {
      execFileSync("npx", ["--no-install", "passage-emulator", "exec", "--", "sh", "-c", "exit 5"], { stdio: "ignore" });
      return 0;
    } catch (error) {
      return error.status;
    }
  })();
  assert.equal(status, 5);
});
