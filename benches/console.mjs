// The web console's page weights and time to first render (docs/PERFORMANCE.md).
//
// For each view, over the data of tests/browser/console-data.mjs plus 2,000 more users: the
// bytes of the console's own files the page loads (HTML, CSS, JS, uncompressed) and of the
// API answers it reads; then, over --runs fresh loads in headless Chromium, the median and
// worst first contentful paint and the time until the view shows its data (the DOM mutation
// that adds its first row, card or field), both from navigation start.
//
// Usage: cd tests/browser && PASSAGE_EMULATOR_BIN=../../target/release/passage-emulator \
//          npm run bench:console -- --runs 15
// Needs the browser suite's tools (npm ci in tests/browser, Debian's Chromium).

import { seedConsole } from "../tests/browser/console-data.mjs";
import { ADMIN_KEY, APP_ID, launchBrowser, startEmulator } from "../tests/browser/harness.mjs";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const EXTRA_USERS = 2000;

const emulator = await startEmulator();
const browser = await launchBrowser();
try {
  const userId = await seedConsole(emulator.base);
  for (let start = 0; start < EXTRA_USERS; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${emulator.base}/api/v1/apps/${APP_ID}/users`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
          body: JSON.stringify({ email: `user${start + i}@example.com` }),
        }),
      ),
    );
  }
  const views = [
    ["inbox", "/inbox", "#messages button.item"],
    ["users", "/users", "#users tbody tr[data-id]"],
    ["user", `/users/${userId}?app=${APP_ID}`, "#passkeys table"],
    ["requests", "/requests", "details.entry"],
    ["authenticators", "/authenticators", "section[data-id]"],
    ["apps", "/apps", "#jwks-keys li"],
  ];
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const rows = [];
  for (const [name, path, ready] of views) {
    const paints = [];
    const readies = [];
    let files = 0;
    let data = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const sizes = [];
      page.on("response", (response) => {
        const url = new URL(response.url());
        if (url.pathname.endsWith("/stream")) return;
        sizes.push(response.body().then((body) => [url.pathname, body.length], () => [url.pathname, 0]));
      });
      // Noted by the page itself, at the mutation that adds the view's data (so the driver's
      // own round trips are not counted).
      await page.addInitScript((selector) => {
        new MutationObserver((_, observer) => {
          if (document.querySelector(selector)) {
            window.shownAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      }, ready);
      await page.goto(`${emulator.base}/_emulator/ui${path}`);
      await page.waitForFunction(() => window.shownAt !== undefined);
      readies.push(await page.evaluate(() => window.shownAt));
      await page.waitForLoadState("networkidle");
      paints.push(
        await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN),
      );
      if (run === 0) {
        for (const [pathname, length] of await Promise.all(sizes)) {
          if (pathname.startsWith("/_emulator/ui")) files += length;
          else data += length;
        }
      }
      await context.close();
    }
    rows.push({
      view: name,
      files_kb: (files / 1024).toFixed(1),
      data_kb: (data / 1024).toFixed(1),
      fcp_ms: `${median(paints).toFixed(0)} (max ${Math.max(...paints).toFixed(0)})`,
      ready_ms: `${median(readies).toFixed(0)} (max ${Math.max(...readies).toFixed(0)})`,
    });
  }
  console.log(`| view | console files (KiB) | API data (KiB) | first paint, median (max) ms | data shown, median (max) ms |`);
  console.log(`|---|---|---|---|---|`);
  for (const row of rows) {
    console.log(`| ${row.view} | ${row.files_kb} | ${row.data_kb} | ${row.fcp_ms} | ${row.ready_ms} |`);
  }
  console.log(`\n${RUNS} loads per view, ${EXTRA_USERS + 5} users, ${new Date().toISOString().slice(0, 10)}`);
} finally {
  await browser.close();
  await emulator.stop();
}
