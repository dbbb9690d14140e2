// Seeing and shipping a site from Node, on SQLite and PostgreSQL: `SiteBuilder.open({ publishUrl,
// baseUrl })`, publishing to a file:// target (files, deployment row, no-op, unpublish), the
// other hosting types' conflict, and a preview whose links lead into the preview.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { BACKENDS } from './helpers.mjs';

function countFiles(dir) {
  return readdirSync(dir).reduce((n, name) => {
    const path = join(dir, name);
    return n + (statSync(path).isDirectory() ? countFiles(path) : 1);
  }, 0);
}

for (const [backend, makeDb] of BACKENDS) {
  test(`publish to a file:// target and unpublish (${backend})`, async () => {
    const db = makeDb();
    const hosting = mkdtempSync(join(tmpdir(), 'sitebuilder-hosting-'));
    try {
      const sb = await SiteBuilder.open({
        databaseUrl: db.url, provider: { kind: 'offline' }, publishUrl: `file://${hosting}`, baseUrl: 'https://bakery.example',
      });
      await sb.grantCredits(21, 500);
      const bp = await sb.createBlueprint(21, { name: 'Porto Bakery', config: { businessBrief: 'A family bakery in Porto' } });
      await sb.generateStructure(21, bp.id);

      const first = await sb.publish(21, bp.id);
      assert.equal(first.noOp, false);
      const { deployment } = first;
      assert.equal(deployment.status, 'deployed');
      assert.ok(deployment.files >= 6 && deployment.bytes > 0);
      assert.match(deployment.checksum, /^[0-9a-f]{64}$/);
      const root = join(hosting, '21', String(bp.id));
      const pointer = JSON.parse(readFileSync(join(root, 'current.json'), 'utf8'));
      const release = join(root, pointer.release);
      for (const name of ['index.html', '404.html', 'sitemap.xml', 'robots.txt', 'assets/site.css']) {
        assert.ok(existsSync(join(release, name)), name);
      }
      assert.equal(countFiles(release), deployment.files);
      assert.match(readFileSync(join(release, 'sitemap.xml'), 'utf8'), /https:\/\/bakery\.example\//);
      const saved = await sb.getBlueprint(21, bp.id);
      assert.equal(saved.status, 'deployed');
      assert.equal(saved.deployedVersion, saved.version);

      const again = await sb.publish(21, bp.id);
      assert.equal(again.noOp, true);
      assert.equal(again.deployment.id, deployment.id);
      assert.deepEqual((await sb.listDeployments(21, bp.id)).map((d) => d.status), ['deployed']);
      await assert.rejects(sb.publish(22, bp.id), { code: 'not_found' });

      const down = await sb.unpublish(21, bp.id);
      assert.equal(down.deployment.status, 'unpublished');
      assert.ok(!existsSync(join(root, 'current.json')));
      assert.equal((await sb.getBlueprint(21, bp.id)).status, 'ready');

      await sb.updateBlueprint(21, bp.id, { hostingType: 'wordpress' });
      await assert.rejects(sb.publish(21, bp.id), (err) => {
        assert.equal(err.code, 'conflict');
        assert.match(err.message, /static hosting/);
        assert.match(err.message, /export/);
        return true;
      });
    } finally {
      rmSync(hosting, { recursive: true, force: true });
      db.cleanup();
    }
  });
}

test('without publishUrl, publishing says how to configure it', async () => {
  const [, makeDb] = BACKENDS[0];
  const db = makeDb();
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
    await sb.grantCredits(23, 500);
    const bp = await sb.createBlueprint(23, { name: 'Porto Bakery', config: { businessBrief: 'Bakery' } });
    await sb.generateStructure(23, bp.id);
    await assert.rejects(sb.publish(23, bp.id), (err) => err.code === 'configuration' && /publishUrl/.test(err.message));
  } finally {
    db.cleanup();
  }
});

test('renderPage with linkBase links the preview, not files', async () => {
  const [, makeDb] = BACKENDS[0];
  const db = makeDb();
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
    await sb.grantCredits(24, 500);
    const bp = await sb.createBlueprint(24, { name: 'Porto Bakery', config: { businessBrief: 'Bakery' } });
    await sb.generateStructure(24, bp.id);
    const base = `/preview/${bp.id}/`;
    const home = await sb.renderPage(24, bp.id, '', { linkBase: base });
    assert.equal(home.found, true);
    const pages = (await sb.listPages(24, bp.id)).filter((p) => p.type !== 'home');
    for (const p of pages) assert.ok(home.html.includes(`href="${base}${p.slug}/"`), p.slug);
    const missing = await sb.renderPage(24, bp.id, 'nope', { linkBase: base, missingAs404: true });
    assert.equal(missing.found, false);
    assert.match(missing.html, /could not be found/);
    await assert.rejects(sb.renderPage(24, bp.id, '', { linkBase: 'javascript:x/' }), { code: 'invalid_input' });
  } finally {
    db.cleanup();
  }
});
