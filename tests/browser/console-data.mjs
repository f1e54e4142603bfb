// Data for looking at the console (screenshots, the page-weight benchmark): users with
// passkeys, passcodes and links in the inbox, requests that succeeded and failed, a fault and
// a virtual authenticator, all made through the public APIs as an app and its tests would.

import { ADMIN_KEY, APP_ID, call } from "./harness.mjs";

/** Fills the emulator at `base`; resolves to the id of a user worth opening. */
export async function seedConsole(base) {
  const mgmt = (method, path, body) => call(base, method, `/api/v1/apps/${APP_ID}${path}`, body, ADMIN_KEY);
  const auth = (method, path, body) => call(base, method, `/auth/v1/apps/${APP_ID}${path}`, body);
  await mgmt("POST", "/user-metadata", [{ friendly_name: "Plan", type: "string", profile: true, registration: false }]);
  const { id: authenticator } = await call(base, "POST", "/_emulator/authenticators", { name: "Ada's laptop" });
  const start = await auth("POST", "/register/webauthn/start", { identifier: "ada@example.com" });
  const finish = await call(base, "POST", `/_emulator/authenticators/${authenticator}/register`, start);
  await auth("POST", "/register/webauthn/finish", finish);
  const login = await auth("POST", "/login/webauthn/start", { identifier: "ada@example.com" });
  await auth("POST", "/login/webauthn/finish", await call(base, "POST", `/_emulator/authenticators/${authenticator}/login`, login));
  const { user: ada } = await mgmt("GET", `/users?identifier=ada@example.com&limit=1`).then((list) => mgmt("GET", `/users/${list.users[0].id}`));
  await mgmt("PATCH", `/users/${ada.id}`, { user_metadata: { plan: "pro" } });
  for (const email of ["grace@example.com", "alan@example.com", "barbara@example.com"]) {
    await mgmt("POST", "/users", { email });
  }
  await mgmt("POST", "/users", { phone: "+14155552671" });
  await auth("POST", "/login/otp", { identifier: "grace@example.com" });
  await auth("POST", "/login/magic-link", { identifier: "alan@example.com" });
  await auth("POST", "/login/otp", { identifier: "+14155552671" });
  await auth("POST", "/login/otp", { identifier: "ada@example.com" });
  await fetch(`${base}/auth/v1/apps/${APP_ID}/login/otp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identifier: "nobody@example.com" }),
  });
  await fetch(`${base}/api/v1/apps/${APP_ID}/users/nope`, { headers: { authorization: "Bearer wrong" } });
  await call(base, "POST", "/_emulator/faults", { path: "/auth/v1/apps/*/login/magic-link", status: 503, times: 2 });
  await call(base, "POST", "/_emulator/authenticators", { name: "Security key", algorithm: "EdDSA" });
  return ada.id;
}
