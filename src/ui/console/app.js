// The console's frame: the header (address, clock, reset), the navigation and the router.
// Each view module exports `render(main, params)`, which may return a cleanup function that
// runs when another view replaces it (closing its event streams).

import { UI, api, attempt, confirmed, fill, h, info, setClockOffset, toast } from "./dom.js";
import * as inbox from "./inbox.js";
import * as users from "./users.js";
import * as user from "./user.js";
import * as requests from "./requests.js";
import * as authenticators from "./authenticators.js";
import * as apps from "./apps.js";

const main = document.getElementById("view");
let cleanup = null;

/** The view for a path: `[module, nav name, params]`, or null. */
function route(path) {
  const rest = path.startsWith(`${UI}/`) ? path.slice(UI.length + 1).replace(/\/$/, "") : null;
  if (rest === null) return null;
  const [name, id, ...more] = rest.split("/");
  if (more.length) return null;
  if (name === "users" && id) return [user, "users", { userId: decodeURIComponent(id) }];
  if (id) return null;
  const views = { "": inbox, inbox, users, requests, authenticators, apps };
  const view = views[name];
  return view ? [view, name || "inbox", {}] : null;
}

async function show() {
  if (cleanup) cleanup();
  cleanup = null;
  const found = route(location.pathname);
  for (const link of document.querySelectorAll("nav.views a")) {
    if (found && link.dataset.view === found[1]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!found) {
    document.title = "Not found · Passage emulator";
    fill(main, h("h1", {}, "No such view"), h("p", {}, h("a", { href: `${UI}/inbox` }, "Open the inbox")));
    return;
  }
  const [view, name] = found;
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · Passage emulator`;
  main.replaceChildren();
  try {
    cleanup = (await view.render(main, found[2])) ?? null;
  } catch (error) {
    fill(main, h("h1", {}, "Could not load this view"), h("p", { class: "error" }, error.message));
  }
}

/** Navigates within the console without reloading. */
export function go(href) {
  history.pushState(null, "", href);
  show();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(`${UI}/`)) return;
  if (url.pathname.startsWith(`${UI}/assets/`)) return;
  event.preventDefault();
  go(url.pathname + url.search);
});
window.addEventListener("popstate", show);

// Keyboard: "/" jumps to the view's search or first filter (as in GitHub and Mailpit).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const target = main.querySelector("input[type=search], input, select");
  if (!target) return;
  event.preventDefault();
  target.focus();
});

// The header's clock: read from the emulator, then ticked locally between reads.
const clockNow = document.getElementById("clock-now");
const clockOffset = document.getElementById("clock-offset");
let offsetSeconds = 0;

function tick() {
  const now = new Date(Date.now() + offsetSeconds * 1000);
  clockNow.textContent = now.toISOString().replace("T", " ").slice(0, 19);
  clockNow.dateTime = now.toISOString();
}

function showClock(clock) {
  offsetSeconds = clock.offset_seconds;
  setClockOffset(offsetSeconds);
  const sign = offsetSeconds >= 0 ? "+" : "−";
  const span = Math.abs(offsetSeconds);
  const text =
    span === 0
      ? ""
      : span % 86400 === 0
        ? `${sign}${span / 86400} d`
        : span % 3600 === 0
          ? `${sign}${span / 3600} h`
          : span % 60 === 0
            ? `${sign}${span / 60} min`
            : `${sign}${span} s`;
  clockOffset.textContent = text;
  clockOffset.title = text ? `${text} from the system clock` : "";
  clockOffset.className = text ? "badge warn" : "badge";
  tick();
}

/** Tells the current view that the emulator's state changed under it (clock, reset). */
function changed() {
  window.dispatchEvent(new CustomEvent("emulator:changed"));
}

async function readClock() {
  try {
    showClock(await api("GET", "/_emulator/clock"));
  } catch {
    clockNow.textContent = "offline";
  }
}

document.getElementById("clock").addEventListener("submit", async (event) => {
  event.preventDefault();
  const seconds = Number(document.getElementById("clock-span").value);
  const clock = await attempt(() => api("POST", "/_emulator/clock", { advance_seconds: seconds }));
  if (clock) {
    showClock(clock);
    toast(`Clock advanced by ${document.getElementById("clock-span").selectedOptions[0].text.slice(1)}`);
    changed();
  }
});
document.getElementById("clock-restore").addEventListener("click", async () => {
  const clock = await attempt(() => api("DELETE", "/_emulator/clock"), "Clock restored");
  if (clock) {
    showClock(clock);
    changed();
  }
});
document.getElementById("reset").addEventListener("click", async () => {
  const ok = await confirmed(
    "Reset the emulator? Every user, device, captured message and session goes; apps, " +
      "keys, settings and authenticators stay; faults are cleared.",
    "Reset",
  );
  if (!ok) return;
  const result = await attempt(() => api("POST", "/_emulator/reset"));
  if (result) {
    toast(`Reset: ${result.users} user${result.users === 1 ? "" : "s"} removed`);
    changed();
  }
});

info().then(
  (emulator) => {
    const url = document.getElementById("emulator-url");
    url.textContent = emulator.url.replace(/^https?:\/\//, "");
    url.title = `Emulator ${emulator.version} at ${emulator.url}`;
  },
  () => {},
);
readClock();
setInterval(tick, 1000);
setInterval(readClock, 10000);
show();
