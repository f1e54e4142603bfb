// The inbox: every captured email and SMS, newest first, live through the inbox's event
// stream. A message opens beside the list: its passcode or link large, the HTML in a
// sandboxed frame (served with its own sandboxing policy), the text, and the raw JSON.

import {
  api, apps, attempt, confirmed, copyButton, field, fill, h, json, live, options, query,
  setQuery, when,
} from "./dom.js";

const KINDS = [
  ["", "Any kind"], ["login_otp", "Login passcode"], ["register_otp", "Registration passcode"],
  ["login_magic_link", "Login link"], ["register_magic_link", "Registration link"],
  ["verify_identifier", "Verify identifier"], ["change_email", "Email change"],
  ["change_phone", "Phone change"],
];
const KIND_NAMES = Object.fromEntries(KINDS);

export async function render(main) {
  const state = { ...query(), messages: [] };
  const appList = await apps();
  const list = h("ul", { class: "list", id: "messages", "aria-label": "Messages (arrow keys move between them)" });
  // Up and down move through the messages, opening each, as in a mail client.
  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = [...list.querySelectorAll("button.item")];
    const at = items.indexOf(document.activeElement);
    const next = items[at + (event.key === "ArrowDown" ? 1 : -1)];
    if (!next) return;
    event.preventDefault();
    next.focus();
    next.click();
  });
  const viewer = h("section", { class: "panel", id: "message", "aria-live": "polite" });
  const count = h("span", { class: "muted", id: "message-count" });
  const to = h("input", { id: "filter-to", type: "search", placeholder: "ada@example.com", value: state.to ?? "" });
  const app = h("select", { id: "filter-app" }, options([["", "Any app"], ...appList.map((a) => [a.id, a.name])], state.app ?? ""));
  const channel = h("select", { id: "filter-channel" }, options([["", "Any channel"], ["email", "Email"], ["sms", "SMS"]], state.channel ?? ""));
  const kind = h("select", { id: "filter-kind" }, options(KINDS, state.kind ?? ""));
  const filters = h(
    "form",
    { class: "bar", role: "search", onsubmit: (event) => event.preventDefault() },
    field("Recipient", to), field("App", app), field("Channel", channel), field("Kind", kind),
    h("span", { class: "grow" }),
    count,
    h("button", { type: "button", class: "danger", id: "clear-inbox", onclick: clearAll }, "Clear all…"),
  );
  fill(main, h("h1", {}, "Inbox"), filters, h("div", { class: "split" }, list, viewer));

  let close = null;
  let timer = null;
  const params = () => {
    const p = new URLSearchParams();
    if (to.value.trim()) p.set("to", to.value.trim());
    if (app.value) p.set("app_id", app.value);
    if (channel.value) p.set("channel", channel.value);
    if (kind.value) p.set("kind", kind.value);
    return p;
  };

  async function load() {
    setQuery({ to: to.value.trim(), app: app.value, channel: channel.value, kind: kind.value, message: state.message });
    if (close) close();
    const p = params();
    // Subscribe first, so nothing that arrives while the list loads is missed.
    close = live(`/_emulator/inbox/stream?${p}`, "message", (message) => {
      if (state.messages.some((m) => m.id === message.id)) return;
      state.messages.unshift(message);
      state.total += 1;
      list.prepend(item(message, true));
      list.querySelector(".empty")?.remove();
      showCount();
    });
    p.set("limit", "200");
    try {
      const page = await api("GET", `/_emulator/inbox?${p}`);
      state.messages = page.messages;
      state.total = page.total;
    } catch (error) {
      fill(list, h("li", { class: "empty error" }, error.message));
      return;
    }
    fill(list, state.messages.length ? state.messages.map((m) => item(m, false)) : empty());
    showCount();
    const selected = state.messages.find((m) => m.id === state.message);
    // A message named in the URL that is gone (or filtered out) gives way to the newest.
    if (selected) open(selected);
    else if (state.messages.length) open(state.messages[0]);
    else fill(viewer, h("p", { class: "empty" }, "Select a message."));
  }

  function empty() {
    return h("li", { class: "empty" }, "No messages yet. Send a passcode or a magic link and it appears here.");
  }

  function showCount() {
    count.textContent = `${state.total} message${state.total === 1 ? "" : "s"}`;
  }

  function item(message, fresh) {
    const secret = message.otp ? message.otp : message.magic_link ? "link" : "";
    return h(
      "li",
      { class: fresh ? "fresh" : null },
      h(
        "button",
        {
          type: "button",
          class: "item",
          "data-id": message.id,
          "aria-current": String(message.id === state.message),
          onclick: () => open(message),
        },
        h("div", { class: "item-top" }, h("strong", {}, message.to), when(message.created_at)),
        h("div", { class: "item-sub" }, message.channel === "sms" ? message.text : message.subject),
        h(
          "div", { class: "row" },
          h("span", { class: "badge" }, message.channel),
          h("span", { class: "badge" }, KIND_NAMES[message.kind] ?? message.kind),
          secret ? h("span", { class: "badge ok mono" }, secret) : null,
        ),
      ),
    );
  }

  function open(message) {
    state.message = message.id;
    setQuery({ ...Object.fromEntries(params()), message: message.id });
    for (const button of list.querySelectorAll("button.item")) {
      button.setAttribute("aria-current", String(button.dataset.id === message.id));
    }
    const tabs = [
      ["html", "HTML", () => h("iframe", {
        class: "mail", sandbox: "", title: `HTML of "${message.subject}"`,
        src: `/_emulator/inbox/${encodeURIComponent(message.id)}/html`,
      })],
      ["text", "Text", () => h("pre", { id: "message-text" }, message.text)],
      ["source", "Source", () => h("pre", {}, json(message))],
    ].filter(([name]) => name !== "html" || message.html);
    const body = h("div");
    const tabBar = h("div", { class: "tabs", role: "tablist" });
    const select = (name) => {
      for (const button of tabBar.children) button.setAttribute("aria-selected", String(button.dataset.tab === name));
      fill(body, tabs.find(([tab]) => tab === name)[2]());
    };
    for (const [name, label] of tabs) {
      tabBar.append(h("button", { type: "button", role: "tab", "data-tab": name, onclick: () => select(name) }, label));
    }
    fill(
      viewer,
      h("div", { class: "row" },
        h("h2", { class: "grow" }, message.subject || `SMS to ${message.to}`),
        h("button", { type: "button", class: "danger", onclick: () => remove(message) }, "Delete")),
      h("dl", { class: "fields" },
        h("dt", {}, "To"), h("dd", {}, message.to),
        h("dt", {}, "Sent"), h("dd", {}, when(message.created_at), " · ", message.created_at),
        h("dt", {}, "Kind"), h("dd", {}, `${KIND_NAMES[message.kind] ?? message.kind} by ${message.channel}, ${message.language}`),
        h("dt", {}, "App"), h("dd", { class: "mono" }, message.app_id)),
      secretBlock(message),
      tabBar,
      body,
    );
    select(tabs[0][0]);
  }

  function secretBlock(message) {
    if (message.otp) {
      return h("div", { class: "secret" },
        h("span", { class: "sr" }, "Passcode"),
        h("span", { class: "value", id: "message-otp" }, message.otp),
        copyButton(message.otp, "Copy code"));
    }
    if (message.magic_link) {
      return h("div", { class: "secret" },
        h("span", { class: "value link", id: "message-link" }, message.magic_link),
        copyButton(message.magic_link, "Copy link"),
        h("a", { href: message.magic_link, target: "_blank", rel: "noopener noreferrer", class: "button" }, "Open link"));
    }
    return null;
  }

  async function remove(message) {
    const done = await attempt(() => api("DELETE", `/_emulator/inbox/${encodeURIComponent(message.id)}`), "Message deleted");
    if (done === undefined) return;
    state.message = undefined;
    load();
  }

  async function clearAll() {
    if (!(await confirmed("Delete every captured message?", "Delete all"))) return;
    const done = await attempt(() => api("DELETE", "/_emulator/inbox"));
    if (done) {
      state.message = undefined;
      load();
    }
  }

  const reload = () => load();
  for (const control of [app, channel, kind]) control.addEventListener("change", () => { state.message = undefined; load(); });
  to.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.message = undefined; load(); }, 250);
  });
  window.addEventListener("emulator:changed", reload);
  await load();
  return () => {
    if (close) close();
    clearTimeout(timer);
    window.removeEventListener("emulator:changed", reload);
  };
}
