// The emulator's virtual authenticators (`/_emulator/authenticators`): what they hold, a form
// to make one, and delete. Tests and curl scripts use them to register and log in with
// passkeys without a browser.

import { api, attempt, confirmed, copyButton, field, fill, h, heading, options, when } from "./dom.js";

export async function render(main) {
  const list = h("div", { id: "authenticators", class: "cards" });
  fill(main, heading("Authenticators"), h("p", { class: "muted" },
    "Virtual passkey authenticators: POST a WebAuthn start response to ",
    h("code", {}, "/_emulator/authenticators/{id}/register"), " or ", h("code", {}, "/login"),
    " and send what they answer to the finish call."), form(), list);

  async function load() {
    let authenticators;
    try {
      ({ authenticators } = await api("GET", "/_emulator/authenticators"));
    } catch (error) {
      fill(list, h("p", { class: "error" }, error.message));
      return;
    }
    fill(list, authenticators.length ? authenticators.map(card) : h("p", { class: "empty" }, "No virtual authenticators yet."));
  }

  function card(a) {
    return h("section", { class: "panel", "data-id": a.id, "aria-label": `Authenticator ${a.name}` },
      h("div", { class: "row" }, h("h2", { class: "grow" }, a.name),
        h("button", {
          type: "button", class: "danger", "aria-label": `Delete authenticator ${a.name}`,
          onclick: async () => {
            if (!(await confirmed(`Delete the authenticator "${a.name}" and its ${a.credentials.length} credential(s)?`, "Delete"))) return;
            if (await attempt(() => api("DELETE", `/_emulator/authenticators/${encodeURIComponent(a.id)}`), "Authenticator deleted") !== undefined) load();
          },
        }, "Delete")),
      h("dl", { class: "fields" },
        h("dt", {}, "Id"), h("dd", { class: "row" }, h("code", { class: "authenticator-id" }, a.id), copyButton(a.id, "Copy id")),
        h("dt", {}, "AAGUID"), h("dd", { class: "mono" }, a.aaguid),
        h("dt", {}, "Algorithm"), h("dd", {}, a.algorithm),
        h("dt", {}, "Counter"), h("dd", {}, a.sign_count ? "counts signatures" : "always 0 (like a synced passkey)"),
        h("dt", {}, "Created"), h("dd", {}, when(a.created_at))),
      h("h3", {}, `Credentials (${a.credentials.length})`),
      a.credentials.length
        ? h("div", { class: "table" }, h("table", {},
          h("thead", {}, h("tr", {}, ["Credential id", "RP id", "User handle", "Signs"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, a.credentials.map((c) => h("tr", {},
            h("td", { class: "mono" }, c.cred_id),
            h("td", {}, c.rp_id),
            h("td", { class: "mono" }, c.user_handle ?? "—"),
            h("td", { class: "num" }, c.sign_count === null ? "—" : String(c.sign_count)))))))
        : h("p", { class: "muted" }, "None yet: it makes one at its first registration."));
  }

  function form() {
    const name = h("input", { id: "auth-name", placeholder: "My test phone" });
    const algorithm = h("select", { id: "auth-algorithm" }, options([["ES256", "ES256 (P-256)"], ["EdDSA", "EdDSA (Ed25519)"]], "ES256"));
    const counter = h("input", { id: "auth-counter", type: "checkbox", checked: true });
    return h("form", {
      class: "panel", id: "authenticator-form", "aria-label": "Create an authenticator",
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { algorithm: algorithm.value, sign_count: counter.checked };
        if (name.value.trim()) body.name = name.value.trim();
        if (await attempt(() => api("POST", "/_emulator/authenticators", body), "Authenticator created")) {
          name.value = "";
          load();
        }
      },
    }, h("div", { class: "bar" },
      h("div", { class: "grow" }, field("Name", name)), field("Algorithm", algorithm),
      h("label", { class: "check" }, counter, "Count signatures"),
      h("button", { type: "submit", class: "primary", id: "create-authenticator" }, "Create authenticator")));
  }

  await load();
}
