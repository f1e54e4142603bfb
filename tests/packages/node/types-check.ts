// Compiled (not run) by `npm run check-types`: the package's TypeScript types describe what a
// user writes. A wrong name or type here fails CI.
import {
  findBinary,
  startEmulator,
  type Emulator,
  type InboxMessage,
  type Snapshot,
} from "passage-emulator";

export async function example(): Promise<string | null> {
  const binary: string = findBinary();
  const emulator: Emulator = await startEmulator({
    fixtures: ["./fixtures/ci.json", { apps: [] }],
    args: ["--log-format", "json"],
    env: { RUST_LOG: "warn" },
    startTimeout: 10_000,
  });
  const urls: string[] = [emulator.url, emulator.authUrl, emulator.managementUrl, binary];
  const message: InboxMessage | null = await emulator.inbox.latest("ada@example.com", { wait: 5 });
  const all: InboxMessage[] = await emulator.inbox.list({ to: "ada@example.com", channel: "email" });
  const { deleted }: { deleted: number } = await emulator.inbox.clear();
  const authenticator = await emulator.authenticators.create({ id: "phone", algorithm: "ES256" });
  const finish = await emulator.authenticators.register(authenticator.id, { handshake: {} });
  const { offset_seconds } = await emulator.clock.advance(60);
  await emulator.clock.set(new Date());
  await emulator.reset({ appId: emulator.appId ?? undefined });
  await emulator.loadFixtures({ apps: [] });
  const saved: Snapshot = await emulator.snapshot("seeded");
  const { users }: Snapshot = await emulator.restore(saved.name);
  const state: Record<string, unknown> = await emulator.exportState({ format: "passkeys" });
  await emulator.stop();
  void [urls, all, deleted, finish, offset_seconds, users, state];
  return message?.otp ?? null;
}
