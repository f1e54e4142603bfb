// What every view shares: building elements (text is always set as text, never parsed as
// HTML), calling the emulator's public APIs, and small widgets (toasts, confirmation, copy).

export const UI = "/_emulator/ui";

/** `h("button", {class: "primary", onclick: fn}, "Save")`: an element with attributes,
 * listeners (`on...` functions) and children (strings become text nodes; null is skipped). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "value") {
      element.value = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A failed call: the HTTP status and Passage's `{code, error}` when the body has them. */
export class Failure extends Error {
  constructor(status, code, message) {
    super(code ? `${code}: ${message}` : message);
    this.status = status;
    this.code = code;
  }
}

/** A call to the emulator, marked as the console's (so it is not journaled and faults do not
 * touch it). Resolves to the JSON body, or null for an empty one. */
export async function api(method, path, body, key) {
  const headers = { "x-passage-emulator-console": "1" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new Failure(response.status, json?.code, json?.error ?? (text || response.statusText));
  }
  return json;
}

let infoPromise;
/** `/_emulator/info`: addresses and the admin key (read once). */
export function info() {
  infoPromise ??= api("GET", "/_emulator/info");
  return infoPromise;
}

/** The Management API with the admin key (console operations need it). */
export async function mgmt(method, path, body) {
  const { admin_key: key } = await info();
  return api(method, `/api/v1${path}`, body, key);
}

/** `/_emulator/apps`: every app. */
export async function apps() {
  return (await api("GET", "/_emulator/apps")).apps;
}

/** A note in the corner that goes away by itself. */
export function toast(text, bad = false) {
  const note = h("div", { class: bad ? "toast bad" : "toast" }, text);
  document.getElementById("toasts").append(note);
  setTimeout(() => note.remove(), bad ? 6000 : 2500);
}

/** Runs an action, reporting a failure as a toast; resolves to its result or undefined. */
export async function attempt(action, done) {
  try {
    const result = await action();
    if (done) toast(done);
    return result;
  } catch (error) {
    toast(error.message, true);
    return undefined;
  }
}

/** Asks before something that cannot be undone; resolves to true on OK. */
export function confirmed(question, ok = "OK") {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = question;
  document.getElementById("confirm-ok").textContent = ok;
  return new Promise((resolve) => {
    const close = (value) => () => dialog.close(value);
    const okButton = document.getElementById("confirm-ok");
    const cancelButton = document.getElementById("confirm-cancel");
    const onOk = close("ok");
    const onCancel = close("cancel");
    okButton.addEventListener("click", onOk);
    cancelButton.addEventListener("click", onCancel);
    dialog.addEventListener(
      "close",
      () => {
        okButton.removeEventListener("click", onOk);
        cancelButton.removeEventListener("click", onCancel);
        resolve(dialog.returnValue === "ok");
      },
      { once: true },
    );
    dialog.returnValue = "cancel";
    dialog.showModal();
    cancelButton.focus();
  });
}

/** A button that copies `text`. */
export function copyButton(text, label = "Copy") {
  return h(
    "button",
    {
      type: "button",
      "aria-label": `${label}: copy to the clipboard`,
      onclick: () => attempt(() => navigator.clipboard.writeText(text), "Copied"),
    },
    label,
  );
}

/** "3 min ago" with the exact time as a tooltip; "never" for Passage's zero time. */
export function when(iso) {
  if (!iso || iso.startsWith("0001-")) return h("span", { class: "muted" }, "never");
  const at = new Date(iso);
  const seconds = Math.round((clockNow() - at.getTime()) / 1000);
  const spans = [[86400, "day"], [3600, "h"], [60, "min"], [1, "s"]];
  let text = "just now";
  for (const [size, unit] of spans) {
    const count = Math.floor(Math.abs(seconds) / size);
    if (count >= 1) {
      const amount = unit === "day" ? `${count} day${count > 1 ? "s" : ""}` : `${count} ${unit}`;
      text = seconds >= 0 ? `${amount} ago` : `in ${amount}`;
      break;
    }
  }
  return h("time", { datetime: iso, title: at.toISOString() }, text);
}

let clockOffset = 0;
/** The emulator's time in milliseconds, as the header last read it. */
export function clockNow() {
  return Date.now() + clockOffset;
}
export function setClockOffset(seconds) {
  clockOffset = seconds * 1000;
}

/** An EventSource on `path` calling `onData` with each `event`'s JSON; returns a closer. */
export function live(path, event, onData) {
  const source = new EventSource(path);
  source.addEventListener(event, (message) => onData(JSON.parse(message.data)));
  return () => source.close();
}

/** `<select>` options from `[value, label]` pairs. */
export function options(pairs, selected) {
  return pairs.map(([value, label]) =>
    h("option", { value, selected: value === selected }, label ?? value),
  );
}

/** A labelled control. */
export function field(label, control) {
  return h("label", {}, label, control);
}

/** Pretty JSON. */
export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** The header and claims of a JWT (not verified: the backend's job). */
export function decodeJwt(token) {
  const part = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  };
  const [header, payload] = token.split(".");
  return { header: part(header), payload: part(payload) };
}

/** The query string of the current location as an object, and a way to change it. */
export function query() {
  return Object.fromEntries(new URLSearchParams(location.search));
}
export function setQuery(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const search = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}`);
}

/** An app `<select>` (query `app`); calls `onChange(appId)`. */
export function appPicker(list, selected, onChange) {
  const select = h(
    "select",
    { id: "app-picker", onchange: () => onChange(select.value) },
    options(list.map((app) => [app.id, `${app.name} (${app.id})`]), selected),
  );
  return field("App", select);
}

/** A page heading with an optional row of controls. */
export function heading(title, ...controls) {
  return h("div", { class: "row" }, h("h1", { class: "grow" }, title), ...controls);
}
