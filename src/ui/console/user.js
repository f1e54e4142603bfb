// One user (`/_emulator/ui/users/{id}?app=`): every field of the Management API's UserInfo,
// passkeys (with what the emulator stores about them), social connections, metadata, recent
// requests and messages, and the actions a developer needs while testing, including "sign in
// as", which mints a session the way a real login does.

import {
  UI, api, attempt, confirmed, copyButton, decodeJwt, field, fill, h, json, mgmt, query, when,
} from "./dom.js";
import { go } from "./app.js";
import { statusBadge } from "./users.js";

/** UserInfo members shown in their own sections rather than the field list. */
const SECTIONS = new Set(["webauthn_devices", "social_connections", "user_metadata", "recent_events"]);

export async function render(main, { userId }) {
  const appId = query().app ?? (await api("GET", "/_emulator/apps")).apps[0]?.id;
  const base = `/apps/${encodeURIComponent(appId)}/users/${encodeURIComponent(userId)}`;
  const session = h("section", { id: "session", "aria-live": "polite" });

  async function load() {
    let user;
    try {
      user = (await mgmt("GET", base)).user;
    } catch (error) {
      fill(main, h("h1", {}, "User"), h("p", { class: "error" }, error.message),
        h("p", {}, h("a", { href: `${UI}/users?app=${encodeURIComponent(appId)}` }, "All users")));
      return;
    }
    const name = user.email || user.phone || user.external_id || user.id;
    document.title = `${name} · Passage emulator`;
    fill(
      main,
      h("p", {}, h("a", { href: `${UI}/users?app=${encodeURIComponent(appId)}` }, "← Users")),
      h("div", { class: "row" }, h("h1", { class: "grow" }, name), statusBadge(user.status)),
      h("div", { class: "bar", id: "user-actions" },
        h("button", { type: "button", class: "primary", id: "sign-in-as", onclick: signIn }, "Sign in as"),
        user.status === "inactive"
          ? h("button", { type: "button", onclick: () => act("PATCH", "/activate", "Activated") }, "Activate")
          : h("button", { type: "button", onclick: () => act("PATCH", "/deactivate", "Deactivated") }, "Deactivate"),
        h("button", { type: "button", onclick: revoke }, "Revoke refresh tokens"),
        h("button", { type: "button", class: "danger", onclick: () => removeUser(name) }, "Delete user…")),
      session,
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "Fields"), fields(user)),
        h("section", { class: "panel" }, h("h2", {}, "Edit"), editForm(user))),
      h("section", { class: "panel" }, h("h2", {}, "Passkeys"), h("div", { id: "passkeys" }, "…")),
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "Social connections"), social(user.social_connections)),
        h("section", { class: "panel" }, h("h2", {}, "Metadata"), h("pre", { id: "user-metadata" }, json(user.user_metadata ?? {})))),
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "Recent requests"), h("div", { id: "user-requests" }, "…")),
        h("section", { class: "panel" }, h("h2", {}, "Recent messages"), h("div", { id: "user-messages" }, "…"))),
      user.recent_events?.length
        ? h("section", { class: "panel" }, h("h2", {}, "Recent events"), h("pre", {}, json(user.recent_events)))
        : null,
    );
    passkeys();
    requests();
    messages(user);
  }

  function fields(user) {
    const rows = [];
    for (const [key, value] of Object.entries(user)) {
      if (SECTIONS.has(key)) continue;
      const shown = key.endsWith("_at") && typeof value === "string"
        ? h("span", {}, when(value), h("span", { class: "muted" }, ` · ${value}`))
        : typeof value === "object" && value !== null ? json(value) : String(value === "" ? "—" : value);
      rows.push(h("dt", {}, key), h("dd", { "data-field": key, class: typeof value === "string" && key.includes("id") ? "mono" : null }, shown));
    }
    return h("dl", { class: "fields", id: "user-fields" }, rows);
  }

  function editForm(user) {
    const email = h("input", { type: "email", id: "edit-email", value: user.email });
    const phone = h("input", { type: "tel", id: "edit-phone", value: user.phone });
    const metadata = h("textarea", { id: "edit-metadata", rows: 4, value: json(user.user_metadata ?? {}) });
    return h("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        const body = {};
        if (email.value.trim() !== user.email) body.email = email.value.trim();
        if (phone.value.trim() !== user.phone) body.phone = phone.value.trim();
        try {
          const parsed = JSON.parse(metadata.value || "{}");
          if (JSON.stringify(parsed) !== JSON.stringify(user.user_metadata ?? {})) body.user_metadata = parsed;
        } catch {
          return attempt(() => Promise.reject(new Error("Metadata is not JSON")));
        }
        if (!Object.keys(body).length) return;
        if (await attempt(() => mgmt("PATCH", base, body), "Saved")) load();
      },
    }, field("Email", email), field("Phone (E.164)", phone), field("Metadata (JSON)", metadata),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, "Save")));
  }

  async function passkeys() {
    const place = document.getElementById("passkeys");
    let list;
    try {
      list = (await api("GET", `/_emulator${base}/passkeys`)).passkeys;
    } catch (error) {
      fill(place, h("p", { class: "error" }, error.message));
      return;
    }
    if (!list.length) return fill(place, h("p", { class: "muted" }, "No passkeys."));
    fill(place, h("div", { class: "table" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Name", "Authenticator", "Type", "Signs", "Used", "Last use", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, list.map((key) => h("tr", {},
        h("td", {}, key.friendly_name, h("div", { class: "item-sub mono", title: "Credential id" }, key.cred_id)),
        h("td", {}, key.authenticator ?? "Unknown", h("div", { class: "item-sub mono", title: "AAGUID" }, key.aaguid)),
        h("td", {}, key.type, key.backup_state ? h("span", { class: "badge" }, "synced") : null),
        h("td", { class: "num", title: "Signature counter" }, String(key.sign_count)),
        h("td", { class: "num" }, String(key.usage_count)),
        h("td", {}, when(key.last_login_at)),
        h("td", {}, h("button", {
          type: "button", class: "danger", "aria-label": `Delete passkey ${key.friendly_name}`,
          onclick: async () => {
            if (!(await confirmed(`Delete the passkey "${key.friendly_name}"?`, "Delete"))) return;
            if (await attempt(() => mgmt("DELETE", `${base}/devices/${encodeURIComponent(key.id)}`), "Passkey deleted") !== undefined) load();
          },
        }, "Delete"))))))));
  }

  function social(connections) {
    const linked = Object.entries(connections ?? {}).filter(([, c]) => c);
    if (!linked.length) return h("p", { class: "muted" }, "None.");
    return h("dl", { class: "fields" }, linked.flatMap(([provider, c]) => [
      h("dt", {}, provider),
      h("dd", {}, c.provider_identifier, h("div", { class: "item-sub" }, "last login ", when(c.last_login_at))),
    ]));
  }

  async function requests() {
    const place = document.getElementById("user-requests");
    try {
      const { requests: list } = await api("GET", `/_emulator/requests?path=${encodeURIComponent(userId)}&limit=10`);
      fill(place, list.length
        ? h("ul", { class: "list" }, list.map((r) => h("li", {}, h("a", { class: "item", href: `${UI}/requests?path=${encodeURIComponent(userId)}` },
          h("div", { class: "item-top" }, h("span", { class: "mono" }, `${r.method} ${r.status}`), when(r.time)),
          h("div", { class: "item-sub mono" }, r.path)))))
        : h("p", { class: "muted" }, "No requests name this user."));
    } catch (error) {
      fill(place, h("p", { class: "error" }, error.message));
    }
  }

  async function messages(user) {
    const place = document.getElementById("user-messages");
    const found = [];
    for (const to of [user.email, user.phone].filter(Boolean)) {
      const page = await api("GET", `/_emulator/inbox?to=${encodeURIComponent(to)}&app_id=${encodeURIComponent(appId)}&limit=10`).catch(() => ({ messages: [] }));
      found.push(...page.messages);
    }
    found.sort((a, b) => b.created_at.localeCompare(a.created_at));
    fill(place, found.length
      ? h("ul", { class: "list" }, found.slice(0, 10).map((m) => h("li", {}, h("a", { class: "item", href: `${UI}/inbox?message=${encodeURIComponent(m.id)}` },
        h("div", { class: "item-top" }, h("span", {}, m.subject || m.to), when(m.created_at)),
        h("div", { class: "item-sub" }, m.otp ? `passcode ${m.otp}` : m.kind)))))
      : h("p", { class: "muted" }, "No messages to this user."));
  }

  async function act(method, path, done) {
    if (await attempt(() => mgmt(method, `${base}${path}`), done)) load();
  }

  async function revoke() {
    if (await attempt(() => mgmt("DELETE", `${base}/tokens`), "Refresh tokens revoked") !== undefined) load();
  }

  async function removeUser(name) {
    if (!(await confirmed(`Delete ${name} and their passkeys?`, "Delete"))) return;
    if (await attempt(() => mgmt("DELETE", base), "User deleted") !== undefined) {
      go(`${UI}/users?app=${encodeURIComponent(appId)}`);
    }
  }

  async function signIn() {
    const result = await attempt(() => api("POST", `/_emulator${base}/sign-in`));
    if (!result) return;
    const { auth_token: token, refresh_token: refresh } = result.auth_result;
    const decoded = decodeJwt(token);
    fill(session, h("div", { class: "panel" },
      h("h2", {}, "Session"),
      h("p", { class: "muted" }, "Issued as a login issues one: the login is counted, the token verifies against the app's JWKS."),
      h("h3", {}, "Auth token ", copyButton(token, "Copy token")),
      h("pre", { class: "token", id: "auth-token" }, token),
      h("div", { class: "cards" },
        h("div", {}, h("h3", {}, "Header"), h("pre", {}, json(decoded.header))),
        h("div", {}, h("h3", {}, "Claims"), h("pre", { id: "auth-claims" }, json(decoded.payload)))),
      refresh
        ? [h("h3", {}, "Refresh token ", copyButton(refresh, "Copy refresh token")), h("pre", { class: "token", id: "refresh-token" }, refresh)]
        : h("p", { class: "muted" }, "This app has refresh tokens off.")));
    await load();
    session.scrollIntoView({ block: "nearest" });
  }

  const reload = () => load();
  window.addEventListener("emulator:changed", reload);
  await load();
  return () => window.removeEventListener("emulator:changed", reload);
}
