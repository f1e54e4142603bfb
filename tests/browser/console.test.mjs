// The web console (/_emulator/ui/) in Debian's headless Chromium: data is made through the
// public APIs (as an app and its tests would make it) and each view must show it, live where
// the view is live; actions taken in the console must have their effect on the APIs.

import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";

import { ADMIN_KEY, APP_ID, call, launchBrowser, startEmulator, verifyAuthToken } from "./harness.mjs";

const UI = "/_emulator/ui";
let emulator;
let browser;
let page;
let problems;

before(async () => {
  emulator = await startEmulator();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
});

beforeEach(async () => {
  await call(emulator.base, "POST", "/_emulator/reset?journal=true");
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Every view must load without a console error or an uncaught exception.
  problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
});

afterEach(async () => {
  await page?.close();
  assert.deepEqual(problems, [], "console errors");
});

const mgmt = (method, path, body) => call(emulator.base, method, `/api/v1/apps/${APP_ID}${path}`, body, ADMIN_KEY);
const auth = (method, path, body) => call(emulator.base, method, `/auth/v1/apps/${APP_ID}${path}`, body);
const open = (path) => page.goto(`${emulator.base}${UI}${path}`);

/** A call that is expected to fail: resolves to its status and body. */
async function failing(method, path, body) {
  const response = await fetch(`${emulator.base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("/ redirects to the console, and every view loads from its own URL", async () => {
  const { user } = await mgmt("POST", "/users", { email: "deep@example.com" });
  await page.goto(`${emulator.base}/`);
  assert.equal(new URL(page.url()).pathname, `${UI}/`);
  await page.waitForSelector("#messages");
  const views = [
    ["/inbox", "#messages", "Inbox"],
    ["/users", "#users tbody tr[data-id]", "Users"],
    [`/users/${user.id}?app=${APP_ID}`, "#user-fields", "deep@example.com"],
    ["/requests", "#fault-form", "Requests"],
    ["/authenticators", "#authenticator-form", "Authenticators"],
    ["/apps", "#jwks-keys li", "Apps"],
  ];
  for (const [path, selector, title] of views) {
    const response = await open(path);
    assert.equal(response.status(), 200, path);
    await page.waitForSelector(selector);
    assert.match(await page.title(), new RegExp(title), path);
    const current = await page.getAttribute("nav a[aria-current=page]", "data-view");
    assert.equal(current, path.split("/")[1].split("?")[0], path);
    // Every control has a name a screen reader can say.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea, button, a[href]")]
        .filter((control) => {
          const name = control.getAttribute("aria-label") || (control.labels?.length ? "label" : control.textContent.trim());
          return !name;
        })
        .map((control) => control.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, [], path);
  }
  assert.deepEqual(problems, []);
  const missing = await open("/nowhere");
  assert.equal(missing.status(), 404);
  await page.waitForSelector("text=No such view");
  // The browser reports the page's own 404; nothing else may go wrong.
  assert.deepEqual(problems, ["Failed to load resource: the server responded with a status of 404 (Not Found)"]);
  problems = [];
});

test("a passcode appears in the inbox within one second, without a reload", async () => {
  await mgmt("POST", "/users", { email: "live@example.com" });
  await open("/inbox");
  await page.waitForSelector("#message-count");
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  const sent = Date.now();
  await auth("POST", "/login/otp", { identifier: "live@example.com" });
  await page.waitForSelector("#messages button.item", { timeout: 1000 });
  const latency = Date.now() - sent;
  assert.ok(latency < 1000, `${latency} ms`);
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  const message = await call(emulator.base, "GET", "/_emulator/inbox/latest?to=live@example.com");
  assert.match(await page.textContent("#messages button.item"), new RegExp(message.otp));

  // The message view: the code large, the HTML only inside a sandboxed frame from its own URL.
  await page.click("#messages button.item");
  assert.equal(await page.textContent("#message-otp"), message.otp);
  const frame = page.locator("iframe.mail");
  assert.equal(await frame.getAttribute("sandbox"), "");
  assert.equal(await frame.getAttribute("src"), `/_emulator/inbox/${message.id}/html`);
  await page.click("button[role=tab][data-tab=text]");
  assert.equal(await page.textContent("#message-text"), message.text);

  // The keyboard: "/" goes to the filters; arrow keys move through the messages.
  await auth("POST", "/login/otp", { identifier: "live@example.com" });
  await page.waitForFunction(() => document.querySelectorAll("#messages button.item").length === 2);
  await page.focus("#messages button.item >> nth=1");
  await page.keyboard.press("ArrowUp");
  const newest = await call(emulator.base, "GET", "/_emulator/inbox/latest?to=live@example.com");
  await page.waitForFunction((otp) => document.getElementById("message-otp")?.textContent === otp, newest.otp);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), newest.id);
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "filter-to");
  await call(emulator.base, "DELETE", `/_emulator/inbox/${newest.id}`);
  await page.reload();
  await page.waitForSelector("#messages button.item");

  // Filters narrow the list; delete removes the message from the inbox.
  await page.fill("#filter-to", "nobody@example.com");
  await page.waitForSelector("#messages .empty");
  await page.fill("#filter-to", "");
  await page.waitForSelector("#messages button.item");
  await page.click("#message button.danger");
  await page.waitForSelector("#messages .empty");
  const left = await call(emulator.base, "GET", "/_emulator/inbox");
  assert.equal(left.total, 0);
});

test("a user made through the Management API is listed, and 'sign in as' mints a token the JWKS verifies", async () => {
  const { user } = await mgmt("POST", "/users", { email: "grace@example.com", user_metadata: {} });
  await mgmt("POST", "/users", { email: "other@example.com" });
  await open(`/users?app=${APP_ID}`);
  await page.waitForSelector(`#users tr[data-id="${user.id}"]`);
  await page.fill("#user-search", "grace");
  await page.press("#user-search", "Enter");
  await page.waitForFunction(() => document.querySelectorAll("#users tbody tr[data-id]").length === 1);
  await page.click(`#users tr[data-id="${user.id}"] a`);
  await page.waitForSelector("#user-fields");
  assert.equal(new URL(page.url()).pathname, `${UI}/users/${user.id}`);
  assert.equal(await page.textContent('#user-fields dd[data-field="id"]'), user.id);

  await page.click("#sign-in-as");
  const token = (await page.textContent("#auth-token")).trim();
  const claims = await verifyAuthToken(emulator.base, token);
  assert.equal(claims.sub, user.id);
  assert.equal(JSON.parse(await page.textContent("#auth-claims")).sub, user.id);
  // The login was counted as a real one is.
  const after = await mgmt("GET", `/users/${user.id}`);
  assert.equal(after.user.login_count, 1);
  // Its refresh token works with the Auth API.
  const refresh = (await page.textContent("#refresh-token")).trim();
  const refreshed = await auth("POST", "/tokens", { refresh_token: refresh });
  assert.ok(refreshed.auth_result.auth_token);

  // Deactivate from the page: the Management API sees it.
  await page.click("#user-actions >> text=Deactivate");
  // Quoted: an exact match (unquoted, "Activate" also matches the "Deactivate" button).
  await page.waitForSelector(`#user-actions >> text="Activate"`);
  assert.equal((await mgmt("GET", `/users/${user.id}`)).user.status, "inactive");
});

test("a failed request appears live in the requests view with its error code", async () => {
  await open("/requests");
  await page.waitForSelector("#fault-form");
  const failed = await failing("POST", `/auth/v1/apps/${APP_ID}/login/otp`, { identifier: "nobody@example.com" });
  assert.equal(failed.status, 404);
  const entry = page.locator("details.entry", { hasText: "/login/otp" });
  await entry.waitFor({ timeout: 2000 });
  assert.equal(await entry.locator(".code").textContent(), failed.body.code);
  assert.equal(await entry.locator(".status").textContent(), "404");
  await entry.locator("summary").click();
  await page.waitForSelector("details.entry[open] pre");
  assert.match(await entry.textContent(), /nobody@example.com/);

  // A fault added in the form answers the next matching call, and can be removed.
  await page.fill("#fault-path", "/auth/v1/apps/*/login/otp");
  await page.fill("#fault-status", "503");
  await page.click("#fault-form button[type=submit]");
  await page.waitForSelector("#fault-list");
  const injected = await failing("POST", `/auth/v1/apps/${APP_ID}/login/otp`, { identifier: "x@example.com" });
  assert.equal(injected.status, 503);
  await page.locator("details.entry .badge.bad").first().waitFor();
  const faults = await call(emulator.base, "GET", "/_emulator/faults");
  assert.equal(faults.faults.length, 0, "a one-time fault is used up");
});

test("an authenticator created in the view completes a passkey registration", async () => {
  await open("/authenticators");
  await page.waitForSelector("#authenticator-form");
  await page.fill("#auth-name", "Console key");
  await page.click("#create-authenticator");
  const card = page.locator("section[data-id]", { hasText: "Console key" });
  await card.waitFor();
  const id = (await card.locator(".authenticator-id").textContent()).trim();

  const start = await auth("POST", "/register/webauthn/start", { identifier: "passkey@example.com" });
  const finish = await call(emulator.base, "POST", `/_emulator/authenticators/${id}/register`, start);
  const registered = await auth("POST", "/register/webauthn/finish", finish);
  const claims = await verifyAuthToken(emulator.base, registered.auth_result.auth_token);

  await page.reload();
  await card.waitFor();
  assert.match(await card.textContent(), /Credentials \(1\)/);

  // The user's page shows the passkey with its authenticator and counter.
  await open(`/users/${claims.sub}?app=${APP_ID}`);
  await page.waitForSelector("#passkeys table");
  assert.match(await page.textContent("#passkeys"), /Emulator virtual authenticator/);
});

test("advancing the clock in the header expires a passcode; restore brings the time back", async () => {
  await mgmt("POST", "/users", { email: "clock@example.com" });
  const { otp_id: otpId } = await auth("POST", "/login/otp", { identifier: "clock@example.com" });
  const { otp } = await call(emulator.base, "GET", "/_emulator/inbox/latest?to=clock@example.com");
  await open("/inbox");
  await page.waitForSelector("#messages button.item");
  await page.selectOption("#clock-span", "900");
  await page.click("#clock-advance");
  await page.waitForFunction(() => document.getElementById("clock-offset").textContent === "+15 min");
  const clock = await call(emulator.base, "GET", "/_emulator/clock");
  assert.ok(clock.offset_seconds >= 900 && clock.offset_seconds < 905, String(clock.offset_seconds));
  const expired = await failing("POST", `/auth/v1/apps/${APP_ID}/otp/activate`, { otp, otp_id: otpId });
  assert.equal(expired.status, 400);
  assert.match(expired.body.error, /expired/);

  await page.click("#clock-restore");
  await page.waitForFunction(() => document.getElementById("clock-offset").textContent === "");
  assert.equal((await call(emulator.base, "GET", "/_emulator/clock")).offset_seconds, 0);
});

test("reset asks first, then empties users and the inbox", async () => {
  await mgmt("POST", "/users", { email: "gone@example.com" });
  await open("/users");
  await page.waitForSelector("#users tbody tr[data-id]");
  await page.click("#reset");
  await page.click("#confirm-cancel");
  assert.equal((await mgmt("GET", "/users")).total_users, 1);
  await page.click("#reset");
  await page.click("#confirm-ok");
  await page.waitForSelector("#users .empty");
  assert.equal((await mgmt("GET", "/users")).total_users, 0);
});

test("the apps view creates and deletes an API key, adds a metadata field and rotates the signing key", async () => {
  await open("/apps");
  await page.waitForSelector("#jwks-keys li");
  const before = await call(emulator.base, "GET", `/auth/v1/apps/${APP_ID}/.well-known/jwks.json`);
  await page.fill("#key-name", "console");
  await page.click("#api-keys + form button[type=submit]");
  const plaintext = (await page.locator("#new-key .value").textContent()).trim();
  const listed = await call(emulator.base, "GET", `/api/v1/apps/${APP_ID}/users`, undefined, plaintext);
  assert.equal(listed.total_users, 0);
  await page.click('button[aria-label="Delete API key console"]');
  await page.click("#confirm-ok");
  await page.waitForSelector('button[aria-label="Delete API key console"]', { state: "detached" });

  // A metadata field added in the form is part of the app's schema.
  await page.fill("#field-name", "Favourite colour");
  await page.click("#metadata-schema + form button[type=submit]");
  await page.waitForSelector("#metadata-schema table");
  const { user_metadata_schema: schema } = await mgmt("GET", "/user-metadata");
  assert.deepEqual(schema.map((f) => [f.friendly_name, f.type]), [["Favourite colour", "string"]]);

  await page.click("#rotate-key");
  await page.click("#confirm-ok");
  await page.waitForFunction((count) => document.querySelectorAll("#jwks-keys li").length === count + 1, before.keys.length);
  const rotated = await call(emulator.base, "GET", `/auth/v1/apps/${APP_ID}/.well-known/jwks.json`);
  assert.equal(rotated.keys.length, before.keys.length + 1);
  assert.match(await page.textContent("#snippets"), new RegExp(APP_ID));
});

test("the console's own calls stay out of the journal", async () => {
  await mgmt("POST", "/users", { email: "quiet@example.com" });
  await call(emulator.base, "DELETE", "/_emulator/requests");
  for (const path of ["/users", "/apps", "/inbox"]) {
    await open(path);
    await page.waitForLoadState("networkidle");
  }
  const { requests } = await call(emulator.base, "GET", "/_emulator/requests");
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), []);
});

test("every view fits a phone's width, in light and dark", async () => {
  const { user } = await mgmt("POST", "/users", { email: "phone@example.com" });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/inbox", "/users", `/users/${user.id}?app=${APP_ID}`, "/requests", "/authenticators", "/apps"]) {
      await open(path);
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} (${scheme}) is ${overflow}px wider than the screen`);
    }
  }
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(17, 20, 24)", "dark mode follows the system setting");
});
