// Drop-in in the browser: the official passage-js 4.1.2 and passage-flex-js 1.0.2 call
// https://auth.passage.id/v1 as always, with no request rewriting. Chromium resolves
// auth.passage.id to 127.0.0.1 (--host-resolver-rules), where the emulator serves TLS on 443,
// and accepts the emulator's certificates because their chain holds the local CA's key
// (--ignore-certificate-errors-spki-list with the CA's SPKI hash: trust for that CA only).

import assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import { after, before, test } from "node:test";

import {
  ADMIN_KEY,
  APP_ID,
  addVirtualAuthenticator,
  call,
  launchBrowser,
  startEmulator,
  startPage,
  verifyAuthToken,
} from "./harness.mjs";

const API_KEY = "emulator-api-key";
let emulator;
let site;
let browser;

before(async () => {
  emulator = await startEmulator(["--tls-listen", "127.0.0.1:443"]);
  site = await startPage();
  await call(emulator.base, "PATCH", `/api/v1/apps/${APP_ID}`, { auth_origin: site.origin }, ADMIN_KEY);
  const ca = await (await fetch(`${emulator.base}/_emulator/ca.pem`)).text();
  const spki = new X509Certificate(ca).publicKey.export({ type: "spki", format: "der" });
  const hash = createHash("sha256").update(spki).digest("base64");
  browser = await launchBrowser([
    "--host-resolver-rules=MAP auth.passage.id 127.0.0.1, MAP api.passage.id 127.0.0.1",
    `--ignore-certificate-errors-spki-list=${hash}`,
  ]);
});

after(async () => {
  await browser?.close();
  site?.stop();
  await emulator?.stop();
});

/** A page on the app's origin with a virtual authenticator; every request goes out as is,
 * and every one to auth.passage.id is recorded. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const passageRequests = [];
  page.on("request", (request) => {
    if (request.url().startsWith("https://auth.passage.id/")) passageRequests.push(request.url());
  });
  await page.goto(site.origin);
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await addVirtualAuthenticator(cdp);
  return { context, page, passageRequests };
}

test("passage-js reaches the emulator as https://auth.passage.id, unrewritten", async () => {
  const { context, page, passageRequests } = await openPage();
  await page.evaluate((appId) => {
    window.passage = new window.Passage(appId);
  }, APP_ID);
  const registered = await page.evaluate(() => window.passage.passkey.register("ada@example.com"));
  const first = await verifyAuthToken(emulator.base, registered.authToken);
  const loggedIn = await page.evaluate(() => window.passage.passkey.login("ada@example.com"));
  assert.equal((await verifyAuthToken(emulator.base, loggedIn.authToken)).sub, first.sub);
  const user = await page.evaluate(() => window.passage.currentUser.userInfo());
  assert.equal(user.email, "ada@example.com");
  assert.ok(passageRequests.some((url) => url.endsWith(`/v1/apps/${APP_ID}/register/webauthn/finish`)));
  await context.close();
});

test("passage-flex-js registers and authenticates a Flex passkey; the backend verifies each nonce", async () => {
  const { context, page, passageRequests } = await openPage();
  const api = (path, body) => call(emulator.base, "POST", `/api/v1/apps/${APP_ID}${path}`, body, API_KEY);

  const { transaction_id: registration } = await api("/transactions/register", {
    external_id: "flex-customer-1",
    passkey_display_name: "Customer One",
  });
  const registerNonce = await page.evaluate(
    ([appId, transactionId]) => new window.PassageFlex(appId).passkey.register(transactionId),
    [APP_ID, registration],
  );
  const registered = await api("/authenticate/verify", { nonce: registerNonce });
  assert.equal(registered.external_id, "flex-customer-1");

  const { transaction_id: authentication } = await api("/transactions/authenticate", {
    external_id: "flex-customer-1",
  });
  const authenticateNonce = await page.evaluate(
    ([appId, transactionId]) => new window.PassageFlex(appId).passkey.authenticate({ transactionId }),
    [APP_ID, authentication],
  );
  assert.deepEqual(await api("/authenticate/verify", { nonce: authenticateNonce }), registered);
  assert.ok(passageRequests.some((url) => url.includes("/authenticate/transactions/webauthn/finish")));
  await context.close();
});
