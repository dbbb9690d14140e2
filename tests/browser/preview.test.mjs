// A live preview served over HTTP by the Node router (Express), browsed in a real Chromium: the
// home page loads with no console error or failed request, every internal link of the preview
// leads to another preview page that loads the same way (crawled until none is new), an unknown
// slug shows the site's 404 page, and axe-core finds no serious or critical violation.
//
// Environment: CHROMIUM (default /usr/bin/chromium). Needs the Node binding built
// (bindings-node/native), which run.sh does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PKG = join(ROOT, "bindings-node");
const { SiteBuilder } = require(join(PKG, "index.js"));
const { expressRouter } = require(join(PKG, "router.js"));
const express = require(join(PKG, "node_modules", "express"));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PREFIX = "/api/v1/site-builder/";

let work;
let server;
let browser;
let previewUrl;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "sb-preview-"));
  const sb = await SiteBuilder.open({ databaseUrl: `sqlite://${join(work, "sites.db")}`, provider: { kind: "offline" } });
  await sb.grantCredits(1, 500);
  const bp = await sb.createBlueprint(1, {
    name: "Porto Bakery",
    config: { businessBrief: "A family bakery in Porto selling sourdough and custard tarts" },
  });
  await sb.generateStructure(1, bp.id);
  const app = express();
  app.use(express.json());
  // One logged-in user of account 1 stands for the host's login.
  app.use(expressRouter(sb, { resolveScope: () => ({ accountId: 1 }) }));
  server = await new Promise((ok) => {
    const s = app.listen(0, "127.0.0.1", () => ok(s));
  });
  previewUrl = `http://127.0.0.1:${server.address().port}${PREFIX}blueprints/${bp.id}/preview/`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), "sb-chromium-")),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens `url`, collecting console errors, failed requests and error responses. */
async function open(url, expected = 200) {
  const page = await browser.newPage();
  // axe-core is injected as a script; the preview's CSP (rightly) allows none.
  await page.setBypassCSP(true);
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  // The browser's own favicon request goes to the host's origin root, outside the preview.
  page.on("response", (r) => r.status() >= 400 && r.url() !== url && !r.url().endsWith("/favicon.ico")
    && errors.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.setViewport({ width: 1280, height: 900 });
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), expected, url);
  return { page, errors };
}

test("every internal link of a preview served over HTTP resolves in Chromium", async () => {
  const origin = new URL(previewUrl).origin;
  const seen = new Set([previewUrl]);
  const queue = [previewUrl];
  const problems = [];
  while (queue.length) {
    const url = queue.shift();
    const { page, errors } = await open(url);
    problems.push(...errors.map((e) => `${url}: ${e}`));
    const links = await page.evaluate(() =>
      [...document.querySelectorAll("a[href]")].map((a) => ({ raw: a.getAttribute("href"), href: a.href })));
    for (const { raw, href } of links) {
      if (/^(mailto:|tel:|sms:)/.test(raw)) continue;
      if (raw.startsWith("#")) {
        const exists = await page.evaluate((id) => !!document.getElementById(id), raw.slice(1));
        if (!exists) problems.push(`${url}: anchor ${raw} has no target`);
        continue;
      }
      const target = new URL(href);
      if (target.origin !== origin || !target.pathname.startsWith(new URL(previewUrl).pathname)) {
        problems.push(`${url}: link ${raw} leaves the preview`);
        continue;
      }
      const next = target.origin + target.pathname;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
      return r.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact})`);
    });
    problems.push(...violations.map((v) => `${url}: axe ${v}`));
    await page.close();
  }
  assert.ok(seen.size >= 4, `only ${seen.size} preview pages reached: ${[...seen].join(", ")}`);
  assert.deepEqual(problems, []);
});

test("an unknown slug shows the site's 404 page, whose way home works", async () => {
  const { page, errors } = await open(`${previewUrl}no-such-page/`, 404);
  assert.match(await page.title(), /Page not found/);
  // Chromium logs the page's own 404 status (and the favicon's) as "Failed to load resource".
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  const home = await page.evaluate(() => [...document.querySelectorAll("main a[href]")].map((a) => a.href));
  assert.ok(home.includes(previewUrl), JSON.stringify(home));
  await page.close();
});
