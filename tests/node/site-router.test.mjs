// The rendered site through the Node router, in Express and in Fastify, over real HTTP: the HTML
// preview and every internal link of it, the site's 404 page, the zip download, publishing to a
// file:// target and unpublishing, the other hosting types' 409, and isolation between accounts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { sqliteDb } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('sitebuilder'));
const { expressRouter, fastifyPlugin } = require(join(pkg, 'router.js'));
const express = require(join(pkg, 'node_modules', 'express'));
const Fastify = require(join(pkg, 'node_modules', 'fastify'));
const PREFIX = '/api/v1/site-builder/';

/** `X-Account-Id` stands for the host's login in these tests. */
function resolveScope(req) {
  const id = req.headers['x-account-id'];
  return id === undefined ? null : { accountId: Number(id) };
}

async function exercise(base, hosting) {
  const account = String(Math.floor(Math.random() * 1e9) + 1000);
  const as = (who, extra = {}) => ({ headers: { 'x-account-id': who, 'content-type': 'application/json' }, ...extra });
  const api = (path) => `${base}${PREFIX}${path}`;
  const created = await fetch(api('blueprints/'), as(account, { method: 'POST', body: JSON.stringify({ name: 'Porto Bakery', description: 'A family bakery in Porto' }) }));
  assert.equal(created.status, 201, await created.clone().text());
  const bp = await created.json();
  return { account, as, api, bp };
}

async function checkSite(base, sb, hosting) {
  const { account, as, api, bp } = await exercise(base, hosting);
  await sb.grantCredits(Number(account), 500);
  await sb.generateStructure(Number(account), bp.id);
  const { version } = await sb.getBlueprint(Number(account), bp.id);
  const previewPath = `${PREFIX}blueprints/${bp.id}/preview/`;

  const home = await fetch(`${base}${previewPath}`, as(account));
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-type'), /^text\/html/);
  assert.match(home.headers.get('content-security-policy'), /default-src 'none'/);
  const html = await home.text();
  assert.ok(html.startsWith('<!doctype html>') && html.includes('<style>'));
  const hrefs = [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1].replace(/&#x2f;/gi, '/').split('#')[0]);
  const internal = [...new Set(hrefs.filter((h) => h && !/^(https?:|mailto:|tel:)/.test(h)))];
  const pages = await sb.listPages(Number(account), bp.id);
  assert.ok(internal.length >= pages.length, JSON.stringify(internal));
  for (const href of internal) {
    assert.ok(href.startsWith(previewPath), `${href} stays in the preview`);
    const res = await fetch(`${base}${href}`, as(account));
    assert.equal(res.status, 200, href);
    assert.match(res.headers.get('content-type'), /^text\/html/);
  }
  const missing = await fetch(`${base}${previewPath}no-such-page/`, as(account));
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type'), /^text\/html/);
  const missingHtml = await missing.text();
  assert.match(missingHtml, /could not be found/);
  assert.ok(missingHtml.includes(`href="${previewPath}"`), 'the 404 page leads home');

  // Not logged in: 401; another account: the JSON 404 of every route.
  assert.equal((await fetch(`${base}${previewPath}`)).status, 401);
  for (const path of [previewPath, `${previewPath}about/`, `${PREFIX}blueprints/${bp.id}/export/`]) {
    const res = await fetch(`${base}${path}`, as('999999999'));
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).code, 'not_found');
  }

  const zip = await fetch(api(`blueprints/${bp.id}/export/`), as(account));
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  assert.equal(zip.headers.get('content-disposition'), `attachment; filename="porto-bakery-v${version}.zip"`);
  const bytes = Buffer.from(await zip.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  for (const name of ['index.html', '404.html', 'sitemap.xml', 'robots.txt', 'assets/site.css']) {
    assert.ok(bytes.includes(Buffer.from(name)), `${name} in the zip`);
  }
  assert.match(zip.headers.get('x-checksum-sha256'), /^[0-9a-f]{64}$/);

  const published = await fetch(api(`blueprints/${bp.id}/publish/`), as(account, { method: 'POST', body: '{}' }));
  assert.equal(published.status, 200, await published.clone().text());
  const out = await published.json();
  assert.equal(out.no_op, false);
  assert.equal(out.deployment.status, 'deployed');
  assert.ok(out.deployment.files >= 6 && out.deployment.bytes > 0);
  assert.match(out.deployment.checksum, /^[0-9a-f]{64}$/);
  const root = join(hosting, account, String(bp.id));
  const pointer = JSON.parse(readFileSync(join(root, 'current.json'), 'utf8'));
  assert.ok(existsSync(join(root, pointer.release, 'index.html')));
  const detail = await (await fetch(api(`blueprints/${bp.id}/`), as(account))).json();
  assert.equal(detail.status, 'deployed');
  assert.equal(detail.deployed_version, detail.version);
  const again = await (await fetch(api(`blueprints/${bp.id}/publish/`), as(account, { method: 'POST', body: '{}' }))).json();
  assert.equal(again.no_op, true);
  assert.equal(again.deployment.id, out.deployment.id);
  const listed = await (await fetch(api(`blueprints/${bp.id}/deployments/`), as(account))).json();
  assert.deepEqual(listed.results.map((d) => d.status), ['deployed']);
  assert.equal((await fetch(api(`blueprints/${bp.id}/publish/`), as('999999999', { method: 'POST', body: '{}' }))).status, 404);

  const down = await fetch(api(`blueprints/${bp.id}/unpublish/`), as(account, { method: 'POST', body: '{}' }));
  assert.equal(down.status, 200);
  assert.equal((await down.json()).deployment.status, 'unpublished');
  assert.ok(!existsSync(join(root, 'current.json')));

  const patched = await fetch(api(`blueprints/${bp.id}/`), as(account, { method: 'PATCH', body: JSON.stringify({ hosting_type: 'shopify' }) }));
  assert.equal(patched.status, 200, await patched.clone().text());
  const refused = await fetch(api(`blueprints/${bp.id}/publish/`), as(account, { method: 'POST', body: '{}' }));
  assert.equal(refused.status, 409);
  const body = await refused.json();
  assert.equal(body.code, 'conflict');
  assert.match(body.error, /shopify/);
  assert.match(body.error, /export/);
}

async function withSite(run) {
  const db = sqliteDb();
  const hosting = mkdtempSync(join(tmpdir(), 'sitebuilder-hosting-'));
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' }, publishUrl: `file://${hosting}`, baseUrl: 'https://bakery.example' });
    await run(sb, hosting);
  } finally {
    rmSync(hosting, { recursive: true, force: true });
    db.cleanup();
  }
}

test('preview, export and publish on the Express router', () => withSite(async (sb, hosting) => {
  const app = express();
  app.use(express.json());
  app.use(expressRouter(sb, { resolveScope }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    await checkSite(`http://127.0.0.1:${server.address().port}`, sb, hosting);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}));

test('preview, export and publish on the Fastify router', () => withSite(async (sb, hosting) => {
  const app = Fastify();
  await app.register(fastifyPlugin, { sb, resolveScope });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await checkSite(base, sb, hosting);
  } finally {
    await app.close();
  }
}));
