// The hosted sign-in page: signs the person in through the app's Auth API with one of its
// enabled methods, then hands the auth token to the emulator, which redirects to the app.
"use strict";
const cfg = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
let person = null;

function showError(error) {
  $("error").textContent = error ? error.message || String(error) : "";
}

function show(id) {
  for (const section of document.querySelectorAll("section")) section.hidden = section.id !== id;
}

async function call(method, path, body) {
  const response = await fetch(`${cfg.base}/apps/${cfg.app_id}${path}`, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.error) || response.statusText);
  return data;
}

async function complete(body) {
  const response = await fetch(cfg.complete, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error);
  window.location.assign(data.redirect_to);
}

const signedIn = (result) => complete({ auth_token: result.auth_result.auth_token });

// WebAuthn JSON carries bytes as base64url without padding.
const fromB64u = (text) =>
  Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)),
    (c) => c.charCodeAt(0),
  ).buffer;
const toB64u = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromB64u(c.id) }));

function credentialJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toB64u(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toB64u(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toB64u(r.authenticatorData);
    response.signature = toB64u(r.signature);
    response.userHandle = r.userHandle ? toB64u(r.userHandle) : null;
  }
  return {
    id: credential.id,
    rawId: toB64u(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

async function passkeyLogin(identifier) {
  const start = await call("POST", "/login/webauthn/start", identifier ? { identifier } : {});
  const options = start.handshake.challenge.publicKey;
  const credential = await navigator.credentials.get({
    publicKey: { ...options, challenge: fromB64u(options.challenge), allowCredentials: withIds(options.allowCredentials) },
  });
  return call("POST", "/login/webauthn/finish", {
    handshake_id: start.handshake.id,
    handshake_response: credentialJson(credential),
    user_id: start.user ? start.user.id : undefined,
  });
}

async function passkeyRegister(identifier) {
  const start = await call("POST", "/register/webauthn/start", { identifier });
  const options = start.handshake.challenge.publicKey;
  const credential = await navigator.credentials.create({
    publicKey: {
      ...options,
      challenge: fromB64u(options.challenge),
      user: { ...options.user, id: fromB64u(options.user.id) },
      excludeCredentials: withIds(options.excludeCredentials),
    },
  });
  return call("POST", "/register/webauthn/finish", {
    handshake_id: start.handshake.id,
    handshake_response: credentialJson(credential),
    user_id: start.user.id,
  });
}

const guarded = (action) => async (event) => {
  if (event) event.preventDefault();
  showError(null);
  try {
    await action();
  } catch (error) {
    showError(error);
  }
};

$("identify").addEventListener("submit", guarded(async () => {
  const identifier = $("identifier").value.trim();
  const found = await call("GET", `/users?identifier=${encodeURIComponent(identifier)}`);
  person = { identifier, mode: found.user ? "login" : "register", webauthn: found.user && found.user.webauthn };
  $("who").textContent = identifier;
  $("use-passkey").hidden = !(cfg.passkeys && cfg.passkeys_here && (person.mode === "register" || person.webauthn));
  $("use-otp").hidden = !cfg.otp;
  $("use-link").hidden = !cfg.magic_link;
  show("methods");
}));

$("use-passkey").addEventListener("click", guarded(async () => {
  const result = person.mode === "login" ? await passkeyLogin(person.identifier) : await passkeyRegister(person.identifier);
  await signedIn(result);
}));

$("use-otp").addEventListener("click", guarded(async () => {
  const started = await call("POST", `/${person.mode}/otp`, { identifier: person.identifier });
  person.otpId = started.otp_id;
  show("otp");
}));

$("otp-form").addEventListener("submit", guarded(async () => {
  await signedIn(await call("POST", "/otp/activate", { otp: $("otp-code").value.trim(), otp_id: person.otpId }));
}));

$("use-link").addEventListener("click", guarded(async () => {
  const started = await call("POST", `/${person.mode}/magic-link`, { identifier: person.identifier });
  show("link");
  // The link may be opened anywhere: poll until it was.
  const poll = setInterval(async () => {
    try {
      const result = await call("POST", "/magic-link/status", { id: started.magic_link.id });
      clearInterval(poll);
      await signedIn(result);
    } catch (_) {
      // Not activated yet.
    }
  }, 1000);
}));

$("link-form").addEventListener("submit", guarded(async () => {
  const value = $("link-value").value.trim();
  const secret = new URL(value, window.location.href).searchParams.get("psg_magic_link") || value;
  await signedIn(await call("PATCH", "/magic-link/activate", { magic_link: secret }));
}));

$("passkey-any").addEventListener("click", guarded(async () => signedIn(await passkeyLogin(null))));

$("cancel").addEventListener("click", guarded(() => complete({ error: "access_denied" })));

const labels = { email: "Email", phone: "Phone (E.164, e.g. +14155552671)", both: "Email or phone" };
$("identifier-label").firstChild.textContent = labels[cfg.identifier] || labels.both;
$("identifier").value = cfg.login_hint || "";
$("passkey-any").hidden = !(cfg.passkeys && cfg.passkeys_here);
if (cfg.passkeys && !cfg.passkeys_here) {
  $("passkey-note").hidden = false;
  $("passkey-note").textContent =
    `Passkeys need this page's origin (${cfg.origin}) to be the app's auth_origin or one of its additional_auth_origins.`;
}
