/** Options of {@link startEmulator}. */
export interface StartOptions {
  /** Fixture files (paths) or fixture documents (objects), loaded at start instead of the default app. */
  fixtures?: string | object | Array<string | object>;
  /** More `passage-emulator` flags, after the helper's own (a flag given twice takes the last value). */
  args?: string[];
  /** More environment variables for the emulator process. */
  env?: Record<string, string>;
  /** Milliseconds to wait for the emulator to be ready (default 30000). */
  startTimeout?: number;
}

/** A captured email or SMS. */
export interface InboxMessage {
  id: string;
  app_id: string;
  channel: "email" | "sms";
  to: string;
  kind: string;
  language: string;
  subject: string;
  text: string;
  html: string;
  magic_link: string | null;
  otp: string | null;
  created_at: string;
}

export interface InboxFilter {
  to?: string;
  channel?: "email" | "sms";
  kind?: string;
  appId?: string;
  page?: number;
  limit?: number;
}

export interface LatestOptions {
  /** Seconds to wait for a message to arrive (default: answer at once). */
  wait?: number;
  /** A message id: only a newer message counts. */
  after?: string;
  appId?: string;
  channel?: "email" | "sms";
  kind?: string;
}

export interface AuthenticatorOptions {
  id?: string;
  name?: string;
  algorithm?: "ES256" | "EdDSA";
  aaguid?: string;
  sign_count?: boolean;
  private_key?: string;
  credentials?: object[];
}

export interface ClockState {
  now: string;
  offset_seconds: number;
}

/** A running emulator, from {@link startEmulator}. */
export declare class Emulator {
  /** Plain HTTP base, no trailing slash. */
  readonly url: string;
  /** `${url}/auth/v1` */
  readonly authUrl: string;
  /** `${url}/api/v1` */
  readonly managementUrl: string;
  /** The default app, or the first app of the fixtures. */
  readonly appId: string | null;
  /** That app's first fixture API key, else the admin key. */
  readonly apiKey: string | null;
  readonly tlsAddr: string | null;
  readonly proxyUrl: string | null;
  readonly caFile: string | null;
  readonly pid: number;
  readonly inbox: {
    /** The newest message to `to`, or null when there is none (after waiting `wait` seconds). */
    latest(to: string, options?: LatestOptions): Promise<InboxMessage | null>;
    list(filter?: InboxFilter): Promise<InboxMessage[]>;
    clear(filter?: InboxFilter): Promise<{ deleted: number }>;
  };
  readonly authenticators: {
    create(options?: AuthenticatorOptions): Promise<{ id: string; [key: string]: unknown }>;
    list(): Promise<unknown>;
    get(id: string): Promise<unknown>;
    delete(id: string): Promise<unknown>;
    /** Answers a registration start response with the body of the finish call. */
    register(id: string, startResponse: object): Promise<Record<string, unknown>>;
    /** Answers a login start response with the body of the finish call. */
    login(id: string, startResponse: object): Promise<Record<string, unknown>>;
  };
  readonly clock: {
    now(): Promise<ClockState>;
    advance(seconds: number): Promise<ClockState>;
    set(now: Date | string): Promise<ClockState>;
    restore(): Promise<ClockState>;
  };
  /** Any call to the emulator; JSON in and out. */
  request(method: string, path: string, body?: unknown): Promise<any>;
  reset(options?: { appId?: string }): Promise<unknown>;
  /** Saves the whole state under `name` (replacing a snapshot of that name). */
  snapshot(name: string): Promise<Snapshot>;
  /** Puts the state back exactly as the snapshot `name` holds it. */
  restore(name: string): Promise<Snapshot>;
  /** The state as a fixture document; `format: "passkeys"` gives the migration export. */
  exportState(options?: { appId?: string; format?: "fixtures" | "passkeys" }): Promise<Record<string, unknown>>;
  loadFixtures(document: object): Promise<unknown>;
  /** The emulator's last log lines. */
  logs(): string;
  stop(): Promise<void>;
}

export interface Snapshot {
  name: string;
  created_at: string;
  users: number;
  clock_offset_seconds: number;
}

/** Starts a fresh emulator (a free port, an in-memory database) and resolves once it serves. */
export declare function startEmulator(options?: StartOptions): Promise<Emulator>;

/** The binary that will run: PASSAGE_EMULATOR_BINARY, the platform package, or PATH. */
export declare function findBinary(): string;
