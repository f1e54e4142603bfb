// Social login and hosted login in Debian's headless Chromium. passage-js 4.1.2 (unmodified)
// starts a GitHub sign-in; the test clicks an identity on the emulator's GitHub page and
// finishes with passage-js. Then the hosted sign-in page, opened as an OpenID Connect client
// would open it, registers a passkey with Chromium's virtual authenticator and signs in with
// a one-time code, a magic link and the passkey; the "backend" exchanges each code and
// verifies the ID token.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { createRemoteJWKSet, jwtVerify } from "jose";

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
// The emulator as the browser reaches it: a host name, so WebAuthn has a valid rp id.
let emulatorByName;

before(async () => {
  emulator = await startEmulator();
  site = await startPage();
  emulatorByName = emulator.base.replace("127.0.0.1", "localhost");
  await call(emulator.base, "PATCH", `/api/v1/apps/${APP_ID}`, {
    auth_origin: site.origin,
    additional_auth_origins: [emulatorByName],
    social_connections: {
      github: { client_id: "github-client", identities: [{ email: "linus@example.com", name: "Linus Torvalds" }] },
    },
  }, ADMIN_KEY);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  site?.stop();
  await emulator?.stop();
});

test("passage-js signs in with GitHub through the emulator's provider page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await routeToEmulator(page, emulator.base);
  await page.goto(site.origin);
  await page.evaluate((appId) => {
    window.passage = new window.Passage(appId);
    window.passage.social.authorize("github");
  }, APP_ID);

  // The provider's page lists the app's GitHub identities; pick Linus.
  await page.waitForURL(`${emulator.base}/_emulator/social/github/authorize?**`);
  assert.equal(await page.title(), "Sign in with GitHub (Passage emulator)");
  await page.getByRole("button", { name: "Linus Torvalds <linus@example.com>" }).click();

  // Back on the app with Passage's four parameters.
  await page.waitForURL(`${site.origin}/?**`);
  const params = Object.fromEntries(new URL(page.url()).searchParams);
  assert.deepEqual(Object.keys(params), ["code", "state", "link_account", "provider_identifier"]);
  assert.equal(params.link_account, "false");
  assert.equal(params.provider_identifier, "linus@example.com");
  assert.equal(params.state, await page.evaluate(() => sessionStorage.getItem("oauth2State")));

  const result = await page.evaluate(async (appId) => {
    const passage = new window.Passage(appId);
    const code = new URL(window.location.href).searchParams.get("code");
    const authResult = await passage.social.finish(code);
    const user = await passage.currentUser.userInfo();
    return { authResult, user };
  }, APP_ID);
  const claims = await verifyAuthToken(emulator.base, result.authResult.authToken);
  assert.equal(result.user.id, claims.sub);
  assert.equal(result.user.email, "linus@example.com");
  assert.equal(result.user.emailVerified, true);
  assert.equal(result.user.socialConnections.github.providerIdentifier, "linus@example.com");
  await context.close();
});

/** Opens the hosted sign-in page as an OIDC client would; returns what the backend keeps. */
async function openHosted(page) {
  const verifier = "hosted-verifier-" + crypto.randomUUID();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const challenge = Buffer.from(digest).toString("base64url");
  const nonce = crypto.randomUUID();
  const query = new URLSearchParams({
    client_id: APP_ID,
    redirect_uri: `${site.origin}/callback`,
    response_type: "code",
    scope: "openid email",
    state: "hosted-state",
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  await page.goto(`${emulatorByName}/auth/v1/apps/${APP_ID}/authorize?${query}`);
  return { verifier, nonce };
}

/** The backend's half: exchange the code and verify the ID token as an OIDC client does. */
async function exchange(page, { verifier, nonce }) {
  await page.waitForURL(`${site.origin}/callback?**`);
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get("state"), "hosted-state");
  const discovery = await call(emulator.base, "GET", `/auth/v1/apps/${APP_ID}/.well-known/openid-configuration`);
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: params.get("code"),
      redirect_uri: `${site.origin}/callback`,
      code_verifier: verifier,
      client_id: APP_ID,
    }),
  });
  const tokens = await response.json();
  assert.equal(response.status, 200, JSON.stringify(tokens));
  const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer: discovery.issuer,
    audience: APP_ID,
    algorithms: ["RS256"],
  });
  assert.equal(payload.nonce, nonce);
  return payload;
}

test("the hosted sign-in page registers a passkey, then signs in with a one-time code, a magic link and usernameless", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await routeToEmulator(page, emulator.base);
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await addVirtualAuthenticator(cdp);

  // A new person registers a passkey on the hosted page.
  let client = await openHosted(page);
  assert.equal(await page.title(), "Sign in to Passage Emulator Default App");
  await page.getByLabel("Email or phone").fill("grace@example.com");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Use a passkey" }).click();
  const registered = await exchange(page, client);
  assert.equal(registered.email, "grace@example.com");

  // The same person again, with a passcode from the inbox.
  client = await openHosted(page);
  await page.getByLabel("Email or phone").fill("grace@example.com");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Email or text me a code" }).click();
  await page.getByLabel("One-time code").waitFor();
  const message = await call(emulator.base, "GET", "/_emulator/inbox/latest?to=grace@example.com");
  await page.getByLabel("One-time code").fill(message.otp);
  await page.getByRole("button", { name: "Verify" }).click();
  const again = await exchange(page, client);
  assert.equal(again.sub, registered.sub);

  // With a magic link from the inbox, pasted into the page.
  client = await openHosted(page);
  await page.getByLabel("Email or phone").fill("grace@example.com");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Email or text me a link" }).click();
  await page.getByLabel("Magic link").waitFor();
  const mail = await call(emulator.base, "GET", "/_emulator/inbox/latest?to=grace@example.com");
  await page.getByLabel("Magic link").fill(mail.magic_link);
  await page.getByRole("button", { name: "Sign in" }).click();
  const linked = await exchange(page, client);
  assert.equal(linked.sub, registered.sub);

  // And with the passkey, usernameless.
  client = await openHosted(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  const usernameless = await exchange(page, client);
  assert.equal(usernameless.sub, registered.sub);
  await context.close();
});
