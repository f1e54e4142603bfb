// The official passage-js 4.1.2, unmodified, in Debian's headless Chromium with Chromium's own
// virtual authenticator (CDP WebAuthn domain), against the emulator: register a passkey, sign
// out, log in with the identifier, log in usernameless, add a second passkey; then the
// "backend" checks the session's token against the emulator's JWKS.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  ADMIN_KEY,
  APP_ID,
  addVirtualAuthenticator,
  call,
  launchBrowser,
  routeToEmulator,
  startEmulator,
  startPage,
  verifyAuthToken,
} from "./harness.mjs";

let emulator;
let site;
let browser;

before(async () => {
  emulator = await startEmulator();
  site = await startPage();
  // The page's origin is the app's: its host is the rp id.
  await call(emulator.base, "PATCH", `/api/v1/apps/${APP_ID}`, { auth_origin: site.origin }, ADMIN_KEY);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  site?.stop();
  await emulator?.stop();
});

const verifyToken = (token) => verifyAuthToken(emulator.base, token);

test("passage-js registers, logs in and adds a passkey against the emulator", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await routeToEmulator(page, emulator.base);
  await page.goto(site.origin);
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const phone = await addVirtualAuthenticator(cdp);

  await page.evaluate((appId) => {
    window.passage = new window.Passage(appId);
  }, APP_ID);

  // 1. Register.
  const registered = await page.evaluate(() => window.passage.passkey.register("ada@example.com"));
  const first = await verifyToken(registered.authToken);
  const user = await page.evaluate(() => window.passage.currentUser.userInfo());
  assert.equal(user.id, first.sub);
  assert.equal(user.email, "ada@example.com");
  assert.equal(user.status, "active");
  assert.equal(user.webauthn, true);
  assert.equal(user.webauthnDevices.length, 1);
  assert.deepEqual(user.webauthnTypes, ["passkey"]);
  assert.equal(user.webauthnDevices[0].friendlyName, "Chromium virtual authenticator");

  // 2. Sign out: the refresh token is revoked.
  assert.equal(await page.evaluate(() => window.passage.session.signOut()), true);

  // 3. Log in with the identifier.
  const withIdentifier = await page.evaluate(() => window.passage.passkey.login("ada@example.com"));
  assert.equal((await verifyToken(withIdentifier.authToken)).sub, first.sub);

  // 4. Log in usernameless (discoverable credential).
  const usernameless = await page.evaluate(() => window.passage.passkey.login());
  assert.equal((await verifyToken(usernameless.authToken)).sub, first.sub);

  // 5. Add a second passkey on another authenticator (the first would be excluded).
  await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: phone });
  const laptop = await addVirtualAuthenticator(cdp);
  const added = await page.evaluate(() => window.passage.currentUser.addPasskey());
  assert.equal(added.userId, first.sub);
  const passkeys = await page.evaluate(() => window.passage.currentUser.passkeys());
  assert.equal(passkeys.length, 2);

  // The second passkey logs in too, and the backend accepts the token.
  const second = await page.evaluate(() => window.passage.passkey.login("ada@example.com"));
  const claims = await verifyToken(second.authToken);
  assert.equal(claims.sub, first.sub);
  assert.deepEqual(claims.aud, [site.origin, APP_ID]);

  // What the emulator stored agrees.
  const devices = await call(emulator.base, "GET", `/api/v1/apps/${APP_ID}/users/${first.sub}/devices`, undefined, "emulator-api-key");
  assert.equal(devices.devices.length, 2);
  const usage = devices.devices.map((d) => d.usage_count).sort();
  assert.deepEqual(usage, [1, 2]);
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: laptop });
  assert.equal(credentials.length, 1);
  await context.close();
});
