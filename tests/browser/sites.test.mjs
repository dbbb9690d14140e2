// Generated sites in a real Chromium (Debian's, driven by puppeteer-core): for ten business types
// across the seven layouts, every page loads without a console error, has no horizontal overflow
// at 375 px and 1280 px, links only to files that exist, and axe-core finds no serious or critical
// accessibility violation. Screenshots of each layout go to target/browser-screenshots/.
//
// Environment: SITEBUILDER_CLI (the built `sitebuilder` binary), CHROMIUM (default
// /usr/bin/chromium), SCREENSHOT_DIR (default <repo>/target/browser-screenshots).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
const CLI = process.env.SITEBUILDER_CLI ?? join(TARGET, "debug", "sitebuilder");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR ?? join(TARGET, "browser-screenshots");

// Ten business types (the seed's), each with a brief, a brand personality and a layout; the
// layouts cycle so every one of the seven is rendered.
const SITES = [
  ["bakery", "Restaurant", "Friendly Neighbour", "default", "A family bakery in Porto selling sourdough and custard tarts"],
  ["saas", "B2B SaaS", "Analytical Expert", "corporate", "Shiftwise, scheduling software for hospital nursing teams with a free trial"],
  ["shop", "E-commerce", "Playful Creative", "ecommerce", "Handmade ceramic mugs and bowls shipped across Europe"],
  ["clinic", "Medical", "Caring & Compassionate", "minimal", "A physiotherapy clinic in Braga for sports injuries and back pain"],
  ["law", "Professional", "Trusted Advisor", "magazine", "An employment law firm in Lisbon advising small companies"],
  ["plumber", "Trades", "Friendly Neighbour", "blog", "Emergency plumbing and boiler repairs in Coimbra, open every day"],
  ["school", "Education", "Bold Visionary", "portfolio", "Evening coding bootcamp for career changers in Porto"],
  ["charity", "Nonprofit", "Caring & Compassionate", "default", "A food bank in Faro collecting surplus food for families"],
  ["studio", "Creative Portfolio", "Minimalist Modern", "portfolio", "A wedding photographer in the Douro valley"],
  ["homes", "Real Estate", "Premium & Refined", "corporate", "A real estate agency selling apartments in central Lisbon"],
];
const WIDTHS = [375, 1280];

const MIME = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".xml": "application/xml", ".txt": "text/plain", ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".webp": "image/webp" };

let work;
let server;
let base;
let browser;
const pages = []; // { site, layout, path }

function serve(root) {
  return createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "sb-browser-"));
  const db = `sqlite://${join(work, "sites.db")}`;
  for (const [name, type, personality, layout, brief] of SITES) {
    execFileSync(CLI, ["--database-url", db, "generate", brief, "--business-type", type, "--personality", personality,
      "--layout", layout, "--out-dir", join(work, name), "--base-url", `https://${name}.example/`], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, SITEBUILDER_AI_BASE_URL: "", SITEBUILDER_AI_API_KEY: "", OPENAI_API_KEY: "" },
    });
    for (const file of readdirSync(join(work, name, "site"))) {
      if (file.endsWith(".html")) pages.push({ site: name, layout, path: `${name}/site/${file}` });
    }
  }
  server = serve(work);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), "sb-chromium-")),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens `url` at `width`, collecting console errors, failed requests and error responses. */
async function open(url, width) {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.setViewport({ width, height: 900 });
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200, url);
  return { page, errors };
}

describe("generated sites in Chromium", () => {
  test("ten business types were generated over all seven layouts", () => {
    assert.equal(new Set(pages.map((p) => p.site)).size, 10);
    assert.equal(new Set(pages.map((p) => p.layout)).size, 7);
    assert.ok(pages.length >= 40, `${pages.length} pages`);
  });

  test("every page: no console error, no overflow, links resolve, no serious axe violation", async () => {
    const problems = [];
    for (const { path } of pages) {
      const url = base + path;
      for (const width of WIDTHS) {
        const { page, errors } = await open(url, width);
        problems.push(...errors.map((e) => `${path} @${width}: ${e}`));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${path} @${width}: ${overflow}px horizontal overflow`);
        if (width === 1280) {
          const links = await page.evaluate(() =>
            [...document.querySelectorAll("a[href]")].map((a) => ({ raw: a.getAttribute("href"), href: a.href })));
          for (const { raw, href } of links) {
            if (/^(mailto:|tel:|sms:)/.test(raw)) continue;
            const target = new URL(href);
            if (target.origin !== new URL(base).origin) {
              problems.push(`${path}: external link ${raw} (generated sites link internally only)`);
              continue;
            }
            if (raw.startsWith("#")) {
              const exists = await page.evaluate((id) => !!document.getElementById(id), raw.slice(1));
              if (!exists) problems.push(`${path}: anchor ${raw} has no target`);
              continue;
            }
            const res = await fetch(target.origin + target.pathname);
            if (res.status !== 200) problems.push(`${path}: link ${raw} → HTTP ${res.status}`);
          }
          await page.addScriptTag({ content: AXE });
          const violations = await page.evaluate(async () => {
            const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
            return r.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
          });
          problems.push(...violations.map((v) => `${path}: axe ${v}`));
        }
        await page.close();
      }
    }
    assert.deepEqual(problems, []);
  });

  test("the 404 page and the sitemap are served", async () => {
    const { page, errors } = await open(`${base}bakery/site/404.html`, 1280);
    assert.match(await page.title(), /Page not found/);
    assert.deepEqual(errors, []);
    await page.close();
    const sitemap = await (await fetch(`${base}bakery/site/sitemap.xml`)).text();
    assert.match(sitemap, /<loc>https:\/\/bakery\.example\/<\/loc>/);
  });

  test("screenshots of each layout", async () => {
    const done = new Set();
    for (const { site, layout, path } of pages) {
      if (done.has(layout) || !path.endsWith("/index.html")) continue;
      done.add(layout);
      for (const width of WIDTHS) {
        const { page } = await open(base + path, width);
        const file = join(SHOTS, `${layout}-${site}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(statSync(file).size > 10_000, file);
        await page.close();
      }
    }
    assert.equal(done.size, 7);
  });
});
