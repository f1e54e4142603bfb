// Regenerates docs/ui/*.png: every console view at 1,280 x 800, light and dark, over the
// data of console-data.mjs. Run after a change to the console: `npm run screenshots`
// (needs `cargo build` and Chromium, as the browser suite does).

import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { seedConsole } from "./console-data.mjs";
import { APP_ID, launchBrowser, startEmulator } from "./harness.mjs";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "ui");
await mkdir(out, { recursive: true });
const emulator = await startEmulator();
const browser = await launchBrowser();
try {
  const userId = await seedConsole(emulator.base);
  const views = [
    ["inbox", "/inbox", "#message-otp, #message-link"],
    ["users", "/users", "#users tbody tr[data-id]"],
    ["user", `/users/${userId}?app=${APP_ID}`, "#passkeys table"],
    ["requests", "/requests", "details.entry"],
    ["authenticators", "/authenticators", "section[data-id]"],
    ["apps", "/apps", "#jwks-keys li"],
  ];
  for (const scheme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    for (const [name, path, ready] of views) {
      await page.goto(`${emulator.base}/_emulator/ui${path}`);
      await page.waitForSelector(ready);
      await page.waitForLoadState("networkidle");
      if (name === "requests") await page.locator("details.entry", { hasText: "404" }).first().locator("summary").click();
      await page.waitForTimeout(150);
      const file = join(out, `${name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(file);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await emulator.stop();
}
