// Users of one app (the picker), through the Management API's paginated list: search by
// email, phone, id or external id, filter by status, page through thousands. Passkey counts
// come from each listed user's record, as an SDK's `user.get` would see it.

import {
  UI, appPicker, apps, attempt, field, fill, h, heading, mgmt, options, query, setQuery, when,
} from "./dom.js";
import { go } from "./app.js";

const LIMIT = 25;

/** Looks like a Passage id (what `id=` can match) rather than part of an identifier. */
const ID_LIKE = /^[A-Za-z0-9]{16,32}$/;

export async function render(main) {
  const appList = await apps();
  const initial = query();
  const state = {
    app: appList.some((a) => a.id === initial.app) ? initial.app : appList[0]?.id,
    q: initial.q ?? "",
    status: initial.status ?? "",
    page: Math.max(1, Number(initial.page) || 1),
  };
  if (!state.app) {
    fill(main, h("h1", {}, "Users"), h("p", { class: "empty" }, "No apps. Load fixtures or create an app."));
    return;
  }
  const search = h("input", { id: "user-search", type: "search", value: state.q, placeholder: "Email, phone, id or external id" });
  const status = h("select", { id: "user-status" }, options([["", "Any status"], ["active", "Active"], ["inactive", "Inactive"], ["pending", "Pending"]], state.status));
  const rows = h("tbody");
  const summary = h("span", { class: "muted", id: "user-total" });
  const previous = h("button", { type: "button", onclick: () => turn(-1) }, "← Previous");
  const next = h("button", { type: "button", onclick: () => turn(1) }, "Next →");
  const creator = createForm();
  fill(
    main,
    heading("Users", h("button", { type: "button", class: "primary", onclick: () => { creator.hidden = !creator.hidden; creator.querySelector("input")?.focus(); } }, "Create user")),
    creator,
    h("form", { class: "bar", role: "search", onsubmit: (event) => { event.preventDefault(); state.page = 1; load(); } },
      appPicker(appList, state.app, (id) => { state.app = id; state.page = 1; load(); }),
      h("div", { class: "grow" }, field("Search", search)),
      field("Status", status),
      h("button", { type: "submit" }, "Search")),
    h("div", { class: "table" },
      h("table", { id: "users" },
        h("thead", {}, h("tr", {}, ["User", "External id", "Status", "Passkeys", "Logins", "Last login", "Created"].map((t) => h("th", { scope: "col" }, t)))),
        rows)),
    h("div", { class: "pager" }, summary, previous, next),
  );
  status.addEventListener("change", () => { state.page = 1; load(); });

  let generation = 0;
  async function load() {
    const mine = ++generation;
    state.q = search.value.trim();
    state.status = status.value;
    setQuery({ app: state.app, q: state.q, status: state.status, page: state.page > 1 ? state.page : "" });
    let list;
    try {
      list = await fetchPage();
    } catch (error) {
      fill(rows, h("tr", {}, h("td", { colspan: 7, class: "empty error" }, error.message)));
      return;
    }
    if (mine !== generation) return;
    const pages = Math.max(1, Math.ceil(list.total_users / LIMIT));
    summary.textContent = `${list.total_users} user${list.total_users === 1 ? "" : "s"} · page ${state.page} of ${pages}`;
    previous.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    fill(rows, list.users.length ? list.users.map(row) : h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No users match.")));
  }

  async function fetchPage() {
    const p = new URLSearchParams({ page: String(state.page), limit: String(LIMIT), order_by: "created_at:DESC" });
    if (state.status) p.set("status", state.status);
    if (state.q && ID_LIKE.test(state.q)) {
      const byId = new URLSearchParams(p);
      byId.set("id", state.q);
      const found = await mgmt("GET", `/apps/${state.app}/users?${byId}`);
      if (found.total_users > 0) return found;
    }
    if (state.q) p.set("identifier", `like:%${state.q.toLowerCase()}%`);
    return mgmt("GET", `/apps/${state.app}/users?${p}`);
  }

  function row(item) {
    const href = `${UI}/users/${encodeURIComponent(item.id)}?app=${encodeURIComponent(state.app)}`;
    const passkeys = h("td", { class: "num" }, "…");
    mgmt("GET", `/apps/${state.app}/users/${item.id}`).then(
      (found) => { passkeys.textContent = String(found.user.webauthn_devices.length); },
      () => { passkeys.textContent = "?"; },
    );
    return h("tr", { "data-id": item.id },
      h("td", {}, h("a", { href }, item.email || item.phone || item.external_id || item.id), h("div", { class: "item-sub mono" }, item.id)),
      h("td", { class: "mono" }, item.external_id),
      h("td", {}, statusBadge(item.status)),
      passkeys,
      h("td", { class: "num" }, String(item.login_count)),
      h("td", {}, when(item.last_login_at)),
      h("td", {}, when(item.created_at)));
  }

  function turn(by) {
    state.page += by;
    load();
  }

  function createForm() {
    const email = h("input", { id: "new-email", type: "email", placeholder: "ada@example.com" });
    const phone = h("input", { id: "new-phone", type: "tel", placeholder: "+15555550123" });
    const metadata = h("textarea", { id: "new-metadata", rows: 2, placeholder: '{"plan": "free"}' });
    const form = h("form", {
      class: "panel", hidden: true, "aria-label": "Create a user",
      onsubmit: async (event) => {
        event.preventDefault();
        const body = {};
        if (email.value.trim()) body.email = email.value.trim();
        if (phone.value.trim()) body.phone = phone.value.trim();
        if (metadata.value.trim()) {
          try {
            body.user_metadata = JSON.parse(metadata.value);
          } catch {
            return attempt(() => Promise.reject(new Error("Metadata is not JSON")));
          }
        }
        const created = await attempt(() => mgmt("POST", `/apps/${state.app}/users`, body), "User created");
        if (created) go(`${UI}/users/${encodeURIComponent(created.user.id)}?app=${encodeURIComponent(state.app)}`);
      },
    },
    h("div", { class: "bar" }, field("Email", email), field("Phone (E.164)", phone), h("div", { class: "grow" }, field("Metadata (JSON)", metadata)),
      h("button", { type: "submit", class: "primary" }, "Create")));
    return form;
  }

  const reload = () => load();
  window.addEventListener("emulator:changed", reload);
  await load();
  return () => window.removeEventListener("emulator:changed", reload);
}

export function statusBadge(status) {
  const tone = { active: "ok", inactive: "bad", pending: "warn" }[status] ?? "";
  return h("span", { class: `badge ${tone}` }, status);
}
