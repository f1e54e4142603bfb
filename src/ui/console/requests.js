// The request journal, live: every Passage call (and the emulator calls that change state)
// with its status, Passage error code and bodies; and the faults that break chosen calls.

import {
  api, apps, attempt, confirmed, field, fill, h, json, live, options, query, setQuery, when,
} from "./dom.js";

export async function render(main) {
  const initial = query();
  const appList = await apps();
  const app = h("select", { id: "req-app" }, options([["", "Any app"], ...appList.map((a) => [a.id, a.name])], initial.app_id ?? ""));
  const face = h("select", { id: "req-api" }, options([["", "Any API"], ["auth", "Auth"], ["management", "Management"], ["emulator", "Emulator"]], initial.api ?? ""));
  const method = h("select", { id: "req-method" }, options([["", "Any method"], ...["GET", "POST", "PATCH", "PUT", "DELETE"].map((m) => [m, m])], initial.method ?? ""));
  const status = h("input", { id: "req-status", placeholder: "4xx or 401", size: 7, value: initial.status ?? "" });
  const path = h("input", { id: "req-path", type: "search", placeholder: "/login/otp", value: initial.path ?? "" });
  const list = h("div", { id: "requests", "aria-live": "polite" });
  const faults = h("div", { id: "faults" });
  fill(
    main,
    h("h1", {}, "Requests"),
    h("form", { class: "bar", role: "search", onsubmit: (event) => { event.preventDefault(); load(); } },
      field("App", app), field("API", face), field("Method", method), field("Status", status),
      h("div", { class: "grow" }, field("Path contains", path)),
      h("button", { type: "submit" }, "Filter"),
      h("button", { type: "button", class: "danger", onclick: clear }, "Clear journal…")),
    list,
    h("section", { class: "panel", "aria-labelledby": "faults-title" },
      h("h2", { id: "faults-title" }, "Faults"),
      h("p", { class: "muted" }, "Make matching Passage calls fail, hang or drop, to test how your app copes."),
      faults, faultForm()),
  );

  let close = null;
  async function load() {
    const p = new URLSearchParams();
    const values = { app_id: app.value, api: face.value, method: method.value, status: status.value.trim(), path: path.value.trim() };
    for (const [name, value] of Object.entries(values)) if (value) p.set(name, value);
    setQuery(values);
    if (close) close();
    const seen = new Set();
    close = live(`/_emulator/requests/stream?${p}`, "request", (entry) => {
      if (seen.has(entry.id)) return;
      seen.add(entry.id);
      list.querySelector(".empty")?.remove();
      list.prepend(row(entry, true));
    });
    p.set("limit", "200");
    try {
      const { requests } = await api("GET", `/_emulator/requests?${p}`);
      const fresh = [...list.querySelectorAll("details.entry.fresh")];
      for (const entry of requests) seen.add(entry.id);
      fill(list, fresh, requests.filter((e) => !fresh.some((f) => f.dataset.id === e.id)).map((e) => row(e, false)));
      if (!list.children.length) list.append(h("p", { class: "empty" }, "No requests yet. Calls your app makes appear here as they happen."));
    } catch (error) {
      fill(list, h("p", { class: "empty error" }, error.message));
    }
  }

  function row(entry, fresh) {
    const statusClass = `status s${String(entry.status)[0]}`;
    const target = entry.query ? `${entry.path}?${entry.query}` : entry.path;
    return h("details", { class: fresh ? "entry fresh" : "entry", "data-id": entry.id },
      h("summary", {},
        h("span", { class: "muted hide-narrow" }, when(entry.time)),
        h("span", { class: "method" }, entry.method),
        h("span", { class: "path", title: target }, target),
        h("span", {}, entry.code ? h("span", { class: "code" }, entry.code) : null, entry.fault ? h("span", { class: "badge bad" }, `fault ${entry.fault}`) : null),
        h("span", { class: statusClass }, entry.status === 0 ? "drop" : String(entry.status)),
        h("span", { class: "muted hide-narrow" }, `${entry.duration_ms} ms`)),
      h("div", {},
        h("dl", { class: "fields" },
          h("dt", {}, "Id"), h("dd", { class: "mono" }, entry.id),
          h("dt", {}, "Time"), h("dd", {}, entry.time),
          h("dt", {}, "API"), h("dd", {}, entry.api),
          entry.app_id ? [h("dt", {}, "App"), h("dd", { class: "mono" }, entry.app_id)] : null,
          entry.user_agent ? [h("dt", {}, "User agent"), h("dd", {}, entry.user_agent)] : null),
        h("h3", {}, "Request body"), body(entry.request_body),
        h("h3", {}, "Response body"), body(entry.response_body)));
  }

  function body(value) {
    if (value === null || value === undefined || value === "") return h("p", { class: "muted" }, "Empty.");
    return h("pre", {}, typeof value === "string" ? value : json(value));
  }

  async function clear() {
    if (!(await confirmed("Clear the request journal?", "Clear"))) return;
    if (await attempt(() => api("DELETE", "/_emulator/requests"))) load();
  }

  async function loadFaults() {
    let list;
    try {
      list = (await api("GET", "/_emulator/faults")).faults;
    } catch (error) {
      fill(faults, h("p", { class: "error" }, error.message));
      return;
    }
    if (!list.length) return fill(faults, h("p", { class: "muted", id: "no-faults" }, "No faults."));
    fill(faults, h("div", { class: "table" }, h("table", { id: "fault-list" },
      h("thead", {}, h("tr", {}, ["Id", "Matches", "Does", "Left", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, list.map((f) => h("tr", {},
        h("td", { class: "mono" }, f.id),
        h("td", { class: "mono" }, `${f.method ?? "*"} ${f.path}${f.app_id ? ` (app ${f.app_id})` : ""}`),
        h("td", {}, describe(f)),
        h("td", { class: "num" }, f.remaining === null ? "∞" : String(f.remaining)),
        h("td", {}, h("button", {
          type: "button", class: "danger", "aria-label": `Remove fault ${f.id}`,
          onclick: async () => { if (await attempt(() => api("DELETE", `/_emulator/faults/${f.id}`), "Fault removed") !== undefined) loadFaults(); },
        }, "Remove"))))))));
  }

  function describe(f) {
    const parts = [];
    if (f.delay_ms) parts.push(`waits ${f.delay_ms} ms`);
    if (f.drop) parts.push("drops the connection");
    else if (f.status) parts.push(`answers ${f.status}${f.body ? " with a body" : ""}`);
    if (f.after) parts.push(`after ${f.after} calls`);
    return parts.join(", ") || "passes";
  }

  function faultForm() {
    const fMethod = h("select", { id: "fault-method" }, options([["", "Any"], ...["GET", "POST", "PATCH", "DELETE"].map((m) => [m, m])], ""));
    const fPath = h("input", { id: "fault-path", required: true, placeholder: "/auth/v1/apps/*/login/otp" });
    const fStatus = h("input", { id: "fault-status", type: "number", min: 100, max: 599, placeholder: "503" });
    const fDelay = h("input", { id: "fault-delay", type: "number", min: 0, max: 60000, placeholder: "0" });
    const fTimes = h("input", { id: "fault-times", type: "number", min: 1, placeholder: "1 (empty: 1)" });
    const fAfter = h("input", { id: "fault-after", type: "number", min: 0, placeholder: "0" });
    const fDrop = h("input", { id: "fault-drop", type: "checkbox" });
    const fForever = h("input", { id: "fault-forever", type: "checkbox" });
    const fBody = h("textarea", { id: "fault-body", rows: 2, placeholder: '{"code":"internal_server_error","error":"boom"} (empty: Passage-shaped default)' });
    return h("form", {
      id: "fault-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const fault = { path: fPath.value.trim() };
        if (fMethod.value) fault.method = fMethod.value;
        if (fStatus.value) fault.status = Number(fStatus.value);
        if (fDelay.value) fault.delay_ms = Number(fDelay.value);
        if (fAfter.value) fault.after = Number(fAfter.value);
        if (fDrop.checked) fault.drop = true;
        if (fForever.checked) fault.times = null;
        else if (fTimes.value) fault.times = Number(fTimes.value);
        if (fBody.value.trim()) {
          try {
            fault.body = JSON.parse(fBody.value);
          } catch {
            return attempt(() => Promise.reject(new Error("Body is not JSON")));
          }
        }
        if (await attempt(() => api("POST", "/_emulator/faults", fault), "Fault added")) loadFaults();
      },
    },
    h("h3", {}, "Add a fault"),
    h("div", { class: "bar" },
      field("Method", fMethod), h("div", { class: "grow" }, field("Path (glob)", fPath)), field("Status", fStatus),
      field("Delay (ms)", fDelay), field("Times", fTimes), field("After", fAfter)),
    h("div", { class: "bar" },
      h("label", { class: "check" }, fDrop, "Drop the connection"),
      h("label", { class: "check" }, fForever, "Every time")),
    field("Body (JSON)", fBody),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, "Add fault")));
  }

  const reload = () => { load(); loadFaults(); };
  window.addEventListener("emulator:changed", reload);
  await Promise.all([load(), loadFaults()]);
  return () => {
    if (close) close();
    window.removeEventListener("emulator:changed", reload);
  };
}
