// History, hand edits and stale writes through the generated Node methods, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { BACKENDS } from './helpers.mjs';

for (const [backend, open] of BACKENDS) {
  test(`edit a block, list versions, undo, and a stale edit conflicts (${backend})`, async () => {
    const db = open();
    try {
      const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
      await sb.grantCredits(42, 100);
      const bp = await sb.createBlueprint(42, { name: 'Forno Azul', config: { businessBrief: 'A family bakery in Porto selling sourdough' } });
      await sb.generateStructure(42, bp.id);
      const pages = await sb.listPages(42, bp.id);
      const page = pages.find((p) => p.blocks.some((b) => b.type === 'hero'));
      const index = page.blocks.findIndex((b) => b.type === 'hero');
      const old = page.blocks[index].data;

      const saved = await sb.editBlueprint(
        42,
        bp.id,
        { action: 'update_block_data', page_id: page.id, index, data: { ...old, heading: 'Bread before sunrise' } },
        { expectedVersion: 2 },
      );
      assert.equal(saved.blueprint.version, 3);
      assert.equal((await sb.getPage(42, page.id)).blocks[index].data.heading, 'Bread before sunrise');

      await assert.rejects(
        sb.editBlueprint(42, bp.id, { action: 'update_block_data', page_id: page.id, index, data: { heading: 7 } }),
        (err) => err.code === 'invalid_input' && /edit\.data\.heading/.test(err.message),
      );

      const versions = await sb.listVersions(42, bp.id);
      assert.deepEqual(versions.map((v) => [v.version, v.operation]), [[3, 'update_block_data'], [2, 'generate_structure']]);
      assert.ok(versions[0].createdAt instanceof Date);
      const diff = await sb.diffVersions(42, bp.id, 2, 3);
      assert.deepEqual(diff.pagesChanged.map((c) => c.slug), [page.slug]);

      // Undo: version 2 comes back as version 4, for free.
      const restored = await sb.restoreVersion(42, bp.id, 2, { expectedVersion: 3 });
      assert.equal(restored.blueprint.version, 4);
      assert.deepEqual((await sb.getPage(42, page.id)).blocks[index].data, old);
      assert.equal(await sb.balance(42), 50);

      await assert.rejects(
        sb.editBlueprint(42, bp.id, { action: 'lock_block', page_id: page.id, index }, { expectedVersion: 3 }),
        (err) => err.code === 'conflict' && err.current_version === 4,
      );
      assert.equal((await sb.getBlueprint(42, bp.id)).version, 4);
    } finally {
      db.cleanup();
    }
  });
}
