"use strict";
// startEmulator(): a fresh passage-emulator for a test suite, on a free port with an in-memory
// database, and helpers over its /_emulator API. Node's own modules only (fetch, child_process).

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findBinary } = require("./lib/binary.cjs");

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LINES_KEPT = 40;

/** Every emulator process still running, killed when this process exits. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});
/** An emulator object that is garbage collected without stop() takes its process with it. */
const collected = new FinalizationRegistry((child) => {
  running.delete(child);
  child.kill("SIGTERM");
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fixture paths as given; documents written to files in `dir`. */
function fixtureArgs(fixtures, dir) {
  if (fixtures === undefined || fixtures === null) return [];
  const list = Array.isArray(fixtures) ? fixtures : [fixtures];
  return list.flatMap((fixture, index) => {
    if (typeof fixture === "string") return ["--fixtures", path.resolve(fixture)];
    if (typeof fixture !== "object") {
      throw new TypeError("fixtures: a path, a fixture document, or an array of them");
    }
    const file = path.join(dir, `fixtures-${index}.json`);
    fs.writeFileSync(file, JSON.stringify(fixture));
    return ["--fixtures", file];
  });
}

/** The last lines a process wrote, for error messages. */
function tail(lines) {
  return lines.length ? lines.join("\n") : "(it printed nothing)";
}

function keepLines(stream, lines) {
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop();
    lines.push(...parts);
    if (lines.length > LOG_LINES_KEPT) lines.splice(0, lines.length - LOG_LINES_KEPT);
  });
  stream.unref?.();
}

/** Polls for the ready file the emulator writes once it serves. */
async function waitForReady(readyFile, child, state, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.error) throw new Error(`passage-emulator could not be started: ${state.error.message}`);
    if (state.exited) {
      throw new Error(
        `passage-emulator exited (${state.exited}) before it was ready. Its last lines:\n${tail(state.lines)}`,
      );
    }
    if (fs.existsSync(readyFile)) return JSON.parse(fs.readFileSync(readyFile, "utf8"));
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `passage-emulator was not ready within ${timeoutMs / 1000} s. Its last lines:\n${tail(state.lines)}`,
      );
    }
    await sleep(5);
  }
}

function query(filter) {
  const names = { appId: "app_id" };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter || {})) {
    if (value !== undefined && value !== null) params.set(names[key] || key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A `wait` in seconds as the inbox's long poll takes it (`500ms`). */
function waitParam(seconds) {
  if (!seconds) return undefined;
  if (typeof seconds !== "number" || seconds < 0) throw new TypeError("wait: seconds, a number");
  return `${Math.round(seconds * 1000)}ms`;
}

/**
 * Starts a fresh emulator and resolves once it serves.
 * @param {import("./index").StartOptions} [options]
 * @returns {Promise<import("./index").Emulator>}
 */
async function startEmulator(options = {}) {
  const { fixtures, args = [], env = {}, startTimeout = START_TIMEOUT_MS } = options;
  const binary = findBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "passage-emulator-"));
  const readyFile = path.join(dir, "ready.json");
  let fixtureFlags;
  try {
    fixtureFlags = fixtureArgs(fixtures, dir);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const argv = [
    "--listen",
    "127.0.0.1:0",
    "--database",
    ":memory:",
    "--data-dir",
    path.join(dir, "data"),
    "--ready-file",
    readyFile,
    // Holding its stdin open: if this process dies, however it dies, the emulator stops.
    "--exit-on-stdin-close",
    ...fixtureFlags,
    ...args,
  ];
  const child = spawn(binary, argv, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const state = { lines: [], exited: null, error: null };
  child.on("error", (error) => {
    state.error = error;
  });
  child.on("exit", (code, signal) => {
    state.exited = signal ? `signal ${signal}` : `code ${code}`;
    running.delete(child);
  });
  keepLines(child.stdout, state.lines);
  keepLines(child.stderr, state.lines);
  child.stdin.unref?.();
  child.unref();
  running.add(child);

  let ready;
  try {
    ready = await waitForReady(readyFile, child, state, startTimeout);
  } catch (error) {
    running.delete(child);
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const emulator = new Emulator(ready, child, state, dir);
  collected.register(emulator, child, emulator);
  return emulator;
}

/** A running emulator. */
class Emulator {
  constructor(ready, child, state, dir) {
    this.url = ready.url;
    this.authUrl = ready.auth_url;
    this.managementUrl = ready.management_url;
    this.appId = ready.app_id;
    this.apiKey = ready.api_key;
    this.tlsAddr = ready.tls_addr;
    this.proxyUrl = ready.proxy_url;
    this.caFile = ready.ca_file;
    this.pid = ready.pid;
    this._child = child;
    this._state = state;
    this._dir = dir;
    const call = this.request.bind(this);
    this.inbox = {
      latest: async (to, { wait, after, appId, channel, kind } = {}) => {
        const q = query({ to, wait: waitParam(wait), after, appId, channel, kind });
        return call("GET", `/_emulator/inbox/latest${q}`, undefined, { notFound: null });
      },
      list: async (filter = {}) => (await call("GET", `/_emulator/inbox${query(filter)}`)).messages,
      clear: async (filter = {}) => call("DELETE", `/_emulator/inbox${query(filter)}`),
    };
    this.authenticators = {
      create: async (opts = {}) => call("POST", "/_emulator/authenticators", opts),
      list: async () => call("GET", "/_emulator/authenticators"),
      get: async (id) => call("GET", `/_emulator/authenticators/${encodeURIComponent(id)}`),
      delete: async (id) => call("DELETE", `/_emulator/authenticators/${encodeURIComponent(id)}`),
      register: async (id, startResponse) =>
        call("POST", `/_emulator/authenticators/${encodeURIComponent(id)}/register`, startResponse),
      login: async (id, startResponse) =>
        call("POST", `/_emulator/authenticators/${encodeURIComponent(id)}/login`, startResponse),
    };
    this.clock = {
      now: async () => call("GET", "/_emulator/clock"),
      advance: async (seconds) => call("POST", "/_emulator/clock", { advance_seconds: seconds }),
      set: async (now) =>
        call("POST", "/_emulator/clock", { now: now instanceof Date ? now.toISOString() : now }),
      restore: async () => call("DELETE", "/_emulator/clock"),
    };
  }

  /**
   * A call to the emulator: JSON in, JSON out; an error status throws with the body.
   * @param {{notFound?: unknown}} [how] what a 404 resolves to instead of throwing
   */
  async request(method, pathname, body, how = {}) {
    const response = await fetch(`${this.url}${pathname}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 404 && "notFound" in how) return how.notFound;
    if (!response.ok) {
      const error = new Error(`${method} ${pathname}: ${response.status} ${text}`);
      error.status = response.status;
      error.body = text;
      throw error;
    }
    return text ? JSON.parse(text) : null;
  }

  /** Forgets users, tokens, messages and handshakes; keeps apps, keys and authenticators. */
  async reset({ appId } = {}) {
    return this.request("POST", `/_emulator/reset${query({ appId })}`);
  }

  /** Saves the whole state under `name` (replacing a snapshot of that name). */
  async snapshot(name) {
    return (await this.request("POST", "/_emulator/snapshots", { name })).snapshot;
  }

  /** Puts the state back exactly as the snapshot `name` holds it (milliseconds). */
  async restore(name) {
    return (await this.request("POST", `/_emulator/snapshots/${encodeURIComponent(name)}/restore`)).snapshot;
  }

  /** The state as a fixture document (`format: "passkeys"`: the migration export). */
  async exportState({ appId, format } = {}) {
    return this.request("GET", `/_emulator/export${query({ appId, format })}`);
  }

  /** Loads a fixture document (docs/FIXTURES.md). */
  async loadFixtures(document) {
    return this.request("POST", "/_emulator/fixtures", document);
  }

  /** The emulator's last log lines. */
  logs() {
    return tail(this._state.lines);
  }

  /** Stops the emulator gracefully (SIGKILL after 10 s) and removes its temporary files. */
  async stop() {
    const child = this._child;
    collected.unregister(this);
    if (!this._state.exited) {
      // Referenced again while stopping, so the caller's event loop waits for the exit.
      child.ref();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    fs.rmSync(this._dir, { recursive: true, force: true });
  }
}

module.exports = { startEmulator, findBinary, Emulator };
