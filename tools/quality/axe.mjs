// axe-core inside each page (puppeteer-core driving a local Chromium), and screenshots.
// Usage: node axe.mjs BASE_URL OUT_DIR CHROMIUM PAGE...
// Prints one JSON object: {page: {violations: [...], overflow: {...}}}.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, outDir, chromium, ...pages] = process.argv.slice(2);

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${mkdtempSync(join(tmpdir(), "vccap-axe-"))}`,
  ],
});

async function settle(page) {
  // Scroll through the page so that charts drawn on view are drawn, then back to the top.
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight / 2);
    for (let y = 0; y < document.body.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 60));
    }
    const deadline = Date.now() + 20000;
    const pending = () => Array.from(document.querySelectorAll(".vc-graphique"))
      .filter((el) => !el.classList.contains("js-plotly-plot")).length;
    while (pending() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    window.scrollTo(0, 0);
  });
}

const report = {};
for (const path of pages) {
  const entry = { violations: [], overflow: {} };
  for (const [width, height, label] of [[390, 844, "390"], [1280, 900, "1280"]]) {
    const page = await browser.newPage();
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    await page.goto(base + path, { waitUntil: "load" });
    await settle(page);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      entry.violations.push({
        width, id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: n.failureSummary })),
      });
    }
    entry.overflow[label] = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth);
    const shot = join(outDir, path.replace(/\//g, "_").replace(/\.html$/, "") + `-${label}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
  }
  report[path] = entry;
}
await browser.close();
process.stdout.write(JSON.stringify(report));
