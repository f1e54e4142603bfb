// Apps: settings (the Management API's AppInfo), API keys, the user metadata schema, signing
// keys and the JWKS, the local CA, and how to point each SDK at the app, with this
// emulator's address and the app's id filled in.

import {
  api, appPicker, apps, attempt, confirmed, copyButton, field, fill, h, info, mgmt,
  options, query, setQuery, when,
} from "./dom.js";

export async function render(main) {
  const appList = await apps();
  const emulator = await info();
  let appId = appList.some((a) => a.id === query().app) ? query().app : appList[0]?.id;
  if (!appId) {
    fill(main, h("h1", {}, "Apps"), h("p", { class: "empty" }, "No apps. Load fixtures to add one."));
    return;
  }
  const body = h("div");
  fill(main, h("h1", {}, "Apps"),
    h("div", { class: "bar" }, appPicker(appList, appId, (id) => { appId = id; load(); })), body);

  async function load() {
    setQuery({ app: appId });
    let app;
    try {
      app = (await mgmt("GET", `/apps/${appId}`)).app;
    } catch (error) {
      fill(body, h("p", { class: "error" }, error.message));
      return;
    }
    fill(body,
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "Settings"), settings(app)),
        h("section", { class: "panel" }, h("h2", {}, "Connect an SDK"), snippets(app))),
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "API keys"), h("div", { id: "api-keys" }, "…"), keyForm()),
        h("section", { class: "panel" }, h("h2", {}, "User metadata schema"), h("div", { id: "metadata-schema" }, "…"), schemaForm())),
      h("div", { class: "cards" },
        h("section", { class: "panel" }, h("h2", {}, "Signing keys"), h("div", { id: "jwks" }, "…")),
        h("section", { class: "panel" }, h("h2", {}, "Local CA"),
          h("p", {}, "Trust it to reach the emulator as ", h("code", {}, "https://auth.passage.id"), " and ",
            h("code", {}, "https://api.passage.id"), " (", h("code", {}, "--tls-listen"), " or ", h("code", {}, "--proxy-listen"), ")."),
          h("a", { class: "button", href: "/_emulator/ca.pem", download: "passage-emulator-ca.pem" }, "Download ca.pem"),
          emulator.ca_file ? h("p", { class: "muted" }, "On disk: ", h("code", {}, emulator.ca_file)) : null)),
    );
    keys();
    schema();
    jwks();
  }

  function settings(app) {
    const rows = [];
    for (const [key, value] of Object.entries(app)) {
      if (key === "rsa_public_key" || key === "user_metadata_schema") continue;
      rows.push(h("dt", {}, key), h("dd", {}, shown(value)));
    }
    return h("dl", { class: "fields", id: "app-settings" }, rows);
  }

  /** A setting's value: lists joined, objects as compact JSON, empty as a dash. */
  function shown(value) {
    if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.length ? value.join(", ") : "—";
    if (typeof value === "object" && value !== null) return h("code", {}, JSON.stringify(value));
    return value === "" ? "—" : String(value);
  }

  function snippets(app) {
    const key = emulator.app_id === app.id && emulator.api_key ? emulator.api_key : emulator.admin_key;
    const url = emulator.url;
    const jwks = `${url}/auth/v1/apps/${app.id}/.well-known/jwks.json`;
    const samples = [
      ["Environment", `PASSAGE_APP_ID=${app.id}\nPASSAGE_API_KEY=${key}\nPASSAGE_AUTH_URL=${url}/auth/v1\nPASSAGE_MGMT_URL=${url}/api/v1`],
      ["passage-node 2.12.1", `const { Passage } = require('@passageidentity/passage-node');
const { createRemoteJWKSet } = require('jose');
const emulator = '${url}';
const passage = new Passage({
  appID: '${app.id}',
  apiKey: '${key}',
  fetchApi: (url, init) => fetch(String(url).replace('https://api.passage.id', \`\${emulator}/api\`), init),
});
passage.auth.jwks = createRemoteJWKSet(new URL('${jwks}'));`],
      ["passage-python 3.0.2", `import jwt
from passageidentity.openapi_client.configuration import Configuration
Configuration.set_default(Configuration(host="${url}/api/v1"))
from passageidentity import Passage
passage = Passage("${app.id}", "${key}")
passage.auth.jwks = jwt.PyJWKClient("${jwks}")`],
      ["By name (any SDK)", `passage-emulator --tls-listen 127.0.0.1:443   # or --proxy-listen 127.0.0.1:7278
echo "127.0.0.1 api.passage.id auth.passage.id" | sudo tee -a /etc/hosts
passage-emulator ca > passage-ca.pem
NODE_EXTRA_CA_CERTS=passage-ca.pem SSL_CERT_FILE=passage-ca.pem your-backend`],
      ["curl", `curl -H 'Authorization: Bearer ${key}' ${url}/api/v1/apps/${app.id}/users`],
    ];
    return h("div", { id: "snippets" }, samples.map(([title, code]) => h("div", {},
      h("div", { class: "row" }, h("h3", { class: "grow" }, title), copyButton(code, "Copy")),
      h("pre", { class: "snippet" }, code))),
    h("p", { class: "muted" }, "More in docs/SDKS.md: passage-go, passage_flex, passage-js."));
  }

  async function keys() {
    const place = document.getElementById("api-keys");
    try {
      const { api_keys: list } = await mgmt("GET", `/apps/${appId}/api-keys`);
      fill(place, list.length ? h("div", { class: "table" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Name", "Prefix", "Role", "Created", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, list.map((k) => h("tr", {},
          h("td", {}, k.name), h("td", { class: "mono" }, `${k.key_prefix}…`), h("td", {}, k.role), h("td", {}, when(k.created_at)),
          h("td", {}, h("button", {
            type: "button", class: "danger", "aria-label": `Delete API key ${k.name}`,
            onclick: async () => {
              if (!(await confirmed(`Delete the API key "${k.name}"? Backends using it get 401.`, "Delete"))) return;
              if (await attempt(() => mgmt("DELETE", `/apps/${appId}/api-keys/${k.id}`), "API key deleted") !== undefined) keys();
            },
          }, "Delete"))))))) : h("p", { class: "muted" }, "No API keys: the admin key works for every app."));
    } catch (error) {
      fill(place, h("p", { class: "error" }, error.message));
    }
  }

  function keyForm() {
    const name = h("input", { id: "key-name", required: true, placeholder: "CI" });
    const shown = h("div", { id: "new-key", "aria-live": "polite" });
    return h("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        const created = await attempt(() => mgmt("POST", `/apps/${appId}/api-keys`, { name: name.value.trim() }), "API key created");
        if (!created) return;
        name.value = "";
        const plaintext = created.api_key.plaintext_key;
        fill(shown, h("div", { class: "secret" }, h("span", { class: "value link mono" }, plaintext), copyButton(plaintext, "Copy key"),
          h("span", { class: "muted" }, "Shown once: Passage keeps only a hash.")));
        keys();
      },
    }, h("div", { class: "bar" }, h("div", { class: "grow" }, field("New key name", name)), h("button", { type: "submit" }, "Create key")), shown);
  }

  async function schema() {
    const place = document.getElementById("metadata-schema");
    try {
      const { user_metadata_schema: fields } = await mgmt("GET", `/apps/${appId}/user-metadata`);
      fill(place, fields.length ? h("div", { class: "table" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Field", "Name", "Type", "Profile", "Registration", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, fields.map((f) => h("tr", {},
          h("td", { class: "mono" }, f.field_name), h("td", {}, f.friendly_name), h("td", {}, f.type),
          h("td", {}, f.profile ? "yes" : "no"), h("td", {}, f.registration ? "yes" : "no"),
          h("td", {}, h("button", {
            type: "button", class: "danger", "aria-label": `Delete metadata field ${f.field_name}`,
            onclick: async () => {
              if (!(await confirmed(`Delete the metadata field "${f.field_name}"?`, "Delete"))) return;
              if (await attempt(() => mgmt("DELETE", `/apps/${appId}/user-metadata/${f.id}`), "Field deleted") !== undefined) schema();
            },
          }, "Delete"))))))) : h("p", { class: "muted" }, "No fields: users' metadata is free-form."));
    } catch (error) {
      fill(place, h("p", { class: "error" }, error.message));
    }
  }

  function schemaForm() {
    const name = h("input", { id: "field-name", required: true, placeholder: "Plan" });
    const type = h("select", { id: "field-type" }, options(["string", "boolean", "integer", "date", "phone", "email"].map((t) => [t, t]), "string"));
    const profile = h("input", { type: "checkbox", checked: true });
    const registration = h("input", { type: "checkbox" });
    return h("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { friendly_name: name.value.trim(), type: type.value, profile: profile.checked, registration: registration.checked };
        if (await attempt(() => mgmt("POST", `/apps/${appId}/user-metadata`, [body]), "Field added")) {
          name.value = "";
          schema();
        }
      },
    }, h("div", { class: "bar" }, h("div", { class: "grow" }, field("New field", name)), field("Type", type),
      h("label", { class: "check" }, profile, "Profile"), h("label", { class: "check" }, registration, "Registration"),
      h("button", { type: "submit" }, "Add field")));
  }

  async function jwks() {
    const place = document.getElementById("jwks");
    const url = `/auth/v1/apps/${appId}/.well-known/jwks.json`;
    try {
      const { keys: list } = await api("GET", url);
      fill(place,
        h("p", {}, "Auth tokens are RS256, signed by the newest key; retired keys stay published for one session length."),
        h("ul", { id: "jwks-keys" }, list.map((k, i) => h("li", {}, h("code", {}, k.kid), i === 0 ? h("span", { class: "badge ok" }, "active") : h("span", { class: "badge" }, "retired")))),
        h("div", { class: "row" },
          h("a", { class: "button", href: url, target: "_blank", rel: "noopener" }, "Open JWKS"),
          copyButton(`${emulator.url}${url}`, "Copy JWKS URL"),
          h("button", {
            type: "button", id: "rotate-key",
            onclick: async () => {
              if (!(await confirmed("Rotate the signing key? New tokens use a new key; tokens already issued still verify.", "Rotate"))) return;
              if (await attempt(() => api("POST", `/_emulator/apps/${appId}/keys/rotate`), "Key rotated")) jwks();
            },
          }, "Rotate key")));
    } catch (error) {
      fill(place, h("p", { class: "error" }, error.message));
    }
  }

  await load();
}
