// The API against SQLite and PostgreSQL: open, migrations, doctor, metadata, blueprint and page CRUD,
// account isolation, credits, and a generation through a real OpenAI-compatible HTTP server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { SiteBuilder, SiteBuilderError } from 'sitebuilder';

import { BACKENDS, PG_BASE, completion, openAiProvider, openAiServer, pgSchema, sqliteDb, structureAnswer } from './helpers.mjs';

test('a fallback chain moves past an endpoint that is down', async () => {
  const db = sqliteDb();
  try {
    const dead = { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'm', maxRetries: 0, timeoutSecs: 2 };
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'fallback', providers: [dead, { kind: 'offline' }] } });
    await sb.grantCredits(1, 50);
    const bp = await sb.createBlueprint(1, { name: 'Porto Bakery', config: { businessBrief: 'Family bakery in Porto' } });
    const outcome = await sb.generateStructure(1, bp.id);
    assert.equal(outcome.provider, 'offline');
    assert.equal(outcome.creditsCharged, 50);
  } finally {
    db.cleanup();
  }
});

test('jsonMode chooses how JSON is asked for; an unknown mode is refused', async () => {
  const server = await openAiServer();
  const db = sqliteDb();
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { jsonMode: 'json_object_schema' }) });
    await sb.grantCredits(1, 50);
    const bp = await sb.createBlueprint(1, { name: 'Porto Bakery', config: { businessBrief: 'Family bakery in Porto' } });
    await sb.generateStructure(1, bp.id);
    const format = server.requests.at(-1).body.response_format;
    assert.equal(format.type, 'json_object');
    assert.equal(format.schema.type, 'object');
    await assert.rejects(
      SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { jsonMode: 'grammar' }) }),
      (err) => err.code === 'invalid_input' && /json_object_schema/.test(err.message),
    );
  } finally {
    await server.close();
    db.cleanup();
  }
});

test('generation: a server on this machine is asked in steps unless told otherwise', async () => {
  const blocks = [
    { type: 'hero', data: { heading: 'Fresh bread', subheading: 'Since 1952' } },
    { type: 'text', data: { heading: 'Our story', body: 'Three generations of bakers.' } },
  ];
  // Answers each step in its own shape: the sitemap without blocks, a page as its blocks.
  const sitemap = structureAnswer();
  for (const page of sitemap.pages) delete page.blocks;
  const answers = { sitemap, page_blocks: { blocks } };
  const server = await openAiServer((body) => ({
    body: completion(answers[body.response_format?.json_schema?.name] ?? structureAnswer()),
  }));
  const db = sqliteDb();
  try {
    const asked = async (extra) => {
      const before = server.requests.length;
      const { generation: _whole, ...provider } = openAiProvider(server, extra);
      const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { ...provider, ...extra } });
      await sb.grantCredits(1, 100);
      const bp = await sb.createBlueprint(1, { name: 'Porto Bakery', config: { businessBrief: 'Family bakery in Porto' } });
      const outcome = await sb.generateStructure(1, bp.id);
      assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
      return server.requests.slice(before).map((r) => r.body.response_format.json_schema.name);
    };
    const auto = await asked({});
    assert.equal(auto[0], 'sitemap', auto.join());
    assert.ok(auto.includes('page_blocks'), auto.join());
    assert.equal((await asked({ generation: 'steps' }))[0], 'sitemap');
    assert.deepEqual(await asked({ generation: 'whole' }), ['site_structure']);
    await assert.rejects(
      SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { generation: 'pages' }) }),
      (err) => err.code === 'invalid_input' && /whole/.test(err.message),
    );
  } finally {
    await server.close();
    db.cleanup();
  }
});

test('tablePrefix names every table (PostgreSQL)', async () => {
  const db = pgSchema();
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, tablePrefix: 'nodepfx_', provider: { kind: 'offline' } });
    await sb.createBlueprint(1, { name: 'Prefixed' });
    const tables = execFileSync('psql', [PG_BASE, '-At', '-c', `SELECT table_name FROM information_schema.tables WHERE table_schema = '${db.schema}' ORDER BY 1`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    assert.ok(tables.includes('nodepfx_site_blueprints'), tables.join(','));
    assert.ok(tables.every((t) => t.startsWith('nodepfx_')), tables.join(','));
  } finally {
    db.cleanup();
  }
});

for (const [backend, makeDb] of BACKENDS) {
  describe(`SiteBuilder on ${backend}`, () => {
    let db;
    let server;
    let sb;

    before(async () => {
      db = makeDb();
      server = await openAiServer();
      sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server) });
    });

    after(async () => {
      await server?.close();
      db?.cleanup();
    });

    test('open applies every migration; migrate is then a no-op', async () => {
      const status = await sb.migrationStatus();
      assert.ok(status.length > 0);
      for (const m of status) {
        assert.equal(m.applied, true, `${m.version}_${m.name} applied`);
        assert.ok(m.appliedAt instanceof Date);
        assert.equal(typeof m.version, 'number');
      }
      const report = await sb.migrate();
      assert.deepEqual(report.applied, []);
      assert.equal(report.alreadyApplied.length, status.length);
    });

    test('doctor reports the database and migrations as fine', async () => {
      const report = await sb.doctor();
      assert.equal(typeof report.ok, 'boolean');
      assert.ok(Array.isArray(report.checks) && report.checks.length > 0);
      const failing = report.checks.filter((c) => !c.ok && /database|migration/i.test(c.name));
      assert.deepEqual(failing, []);
      for (const c of report.checks) assert.equal(typeof c.detail, 'string');
      const provider = report.checks.find((c) => /provider/.test(c.name));
      assert.ok(provider, 'the provider is checked');
      assert.match(sb.providerLabel, /^openai:test-model/);
    });

    test('metadata lists the four seeded catalogues with camelCase fields', async () => {
      const meta = await sb.metadata();
      assert.deepEqual(Object.keys(meta).sort(), ['audienceProfiles', 'brandPersonalities', 'businessTypes', 'heroImagery']);
      for (const [key, kind] of [
        ['businessTypes', 'business_type'],
        ['audienceProfiles', 'audience_profile'],
        ['brandPersonalities', 'brand_personality'],
        ['heroImagery', 'hero_imagery'],
      ]) {
        assert.ok(meta[key].length > 0, `${key} seeded`);
        const option = meta[key][0];
        assert.equal(option.kind, kind);
        assert.equal(typeof option.id, 'number');
        assert.equal(typeof option.isActive, 'boolean');
        assert.ok(option.createdAt instanceof Date);
      }
    });

    test('blueprint CRUD with keyset pagination', async () => {
      const meta = await sb.metadata();
      const created = await sb.createBlueprint(1, {
        name: 'Porto Bakery',
        description: 'Bread and cakes',
        config: {
          businessBrief: 'Family bakery in Porto',
          objectives: ['sell cakes online'],
          businessTypeId: meta.businessTypes[0].id,
          extra: { wizard_step: 4 },
        },
      });
      assert.equal(created.name, 'Porto Bakery');
      assert.equal(created.accountId, 1);
      assert.equal(created.status, 'draft');
      assert.equal(created.hostingType, 'igny8_sites');
      assert.equal(typeof created.version, 'number');
      assert.equal(created.config.businessBrief, 'Family bakery in Porto');
      assert.deepEqual(created.config.objectives, ['sell cakes online']);
      assert.equal(created.config.businessTypeId, meta.businessTypes[0].id);
      assert.equal(created.config.extra.wizard_step, 4);
      assert.ok(created.createdAt instanceof Date);

      const got = await sb.getBlueprint({ accountId: 1 }, created.id);
      assert.deepEqual(got.config, created.config);
      assert.equal(got.id, created.id);

      const second = await sb.createBlueprint(1, { name: 'Second', hostingType: 'wordpress' });
      const third = await sb.createBlueprint(1, { name: 'Third' });
      const page1 = await sb.listBlueprints(1, { limit: 2 });
      assert.deepEqual(page1.items.map((b) => b.id), [created.id, second.id]);
      assert.equal(page1.nextAfterId, second.id);
      assert.equal(page1.count, 3, 'count is the total over all pages');
      const page2 = await sb.listBlueprints(1, { limit: 2, afterId: page1.nextAfterId });
      assert.deepEqual(page2.items.map((b) => b.id), [third.id]);
      assert.equal(page2.count, 3);
      assert.equal((await sb.listBlueprints(1, { status: 'ready' })).count, 0);
      assert.equal(page2.nextAfterId ?? null, null);

      const updated = await sb.updateBlueprint(1, second.id, { name: 'Renamed' });
      assert.equal(updated.name, 'Renamed');
      assert.equal(updated.status, 'draft');
      assert.equal(updated.hostingType, 'wordpress');
      // Status belongs to generation and publishing: an update may not set it.
      await assert.rejects(sb.updateBlueprint(1, second.id, { status: 'ready' }), (err) => err.code === 'invalid_input' && /status/.test(err.message));
      const drafts = await sb.listBlueprints(1, { status: 'draft' });
      assert.deepEqual(drafts.items.map((b) => b.id), [created.id, second.id, third.id]);
      const ready = await sb.listBlueprints(1, { status: 'ready' });
      assert.deepEqual(ready.items, []);

      await sb.deleteBlueprint(1, third.id);
      await assert.rejects(sb.getBlueprint(1, third.id), (err) => err instanceof SiteBuilderError && err.code === 'not_found');
    });

    test("another account's blueprint is not found, never visible", async () => {
      const mine = await sb.createBlueprint(10, { name: 'Mine' });
      await assert.rejects(sb.getBlueprint(11, mine.id), { code: 'not_found' });
      await assert.rejects(sb.updateBlueprint(11, mine.id, { name: 'x' }), { code: 'not_found' });
      await assert.rejects(sb.deleteBlueprint(11, mine.id), { code: 'not_found' });
      const theirs = await sb.listBlueprints(11);
      assert.ok(!theirs.items.some((b) => b.id === mine.id));
      assert.equal((await sb.getBlueprint(10, mine.id)).name, 'Mine');
    });

    test('a scope with a site narrows reads and is written on create', async () => {
      const onSite = await sb.createBlueprint({ accountId: 6, siteId: 77, sectorId: 5 }, { name: 'On site 77' });
      const elsewhere = await sb.createBlueprint({ accountId: 6, siteId: 78 }, { name: 'On site 78' });
      assert.equal(onSite.siteId, 77);
      assert.equal(onSite.sectorId, 5);
      const site77 = await sb.listBlueprints({ accountId: 6, siteId: 77 });
      assert.deepEqual(site77.items.map((b) => b.id), [onSite.id]);
      const all = await sb.listBlueprints(6);
      assert.deepEqual(all.items.map((b) => b.id).sort(), [onSite.id, elsewhere.id].sort());
      await assert.rejects(sb.getBlueprint({ accountId: 6, siteId: 77 }, elsewhere.id), { code: 'not_found' });
    });

    test('page CRUD and reorder', async () => {
      const bp = await sb.createBlueprint(2, { name: 'Pages' });
      const home = await sb.createPage(2, bp.id, {
        slug: 'home',
        title: 'Home',
        type: 'home',
        blocks: [{ type: 'hero', data: { heading: 'Hello' } }],
      });
      const about = await sb.createPage(2, bp.id, { slug: 'about', title: 'About', type: 'about' });
      assert.equal(home.siteBlueprintId, bp.id);
      assert.equal(home.type, 'home');
      assert.equal(home.status, 'draft');
      assert.equal(home.blocks[0].type, 'hero');
      assert.equal(home.blocks[0].data.heading, 'Hello');
      assert.ok(about.order > home.order);

      const page = await sb.getPage(2, about.id);
      assert.equal(page.slug, 'about');
      const changed = await sb.updatePage(2, about.id, { title: 'About us', blocks: [{ type: 'text', data: { body: 'Hi' } }] });
      assert.equal(changed.title, 'About us');
      assert.deepEqual(changed.blocks.map((b) => b.type), ['text']);

      const reordered = await sb.reorderPages(2, bp.id, [about.id, home.id]);
      assert.deepEqual(reordered.map((p) => p.slug), ['about', 'home']);
      assert.deepEqual((await sb.listPages(2, bp.id)).map((p) => p.slug), ['about', 'home']);

      await sb.deletePage(2, about.id);
      assert.deepEqual((await sb.listPages(2, bp.id)).map((p) => p.slug), ['home']);
      await assert.rejects(sb.getPage(2, about.id), { code: 'not_found' });
      await assert.rejects(sb.getPage(3, home.id), { code: 'not_found' });
    });

    test('credits: grant, balance, and insufficient_credits with required/available', async () => {
      assert.equal(await sb.balance(4), 0);
      const bp = await sb.createBlueprint(4, { name: 'Broke', config: { businessBrief: 'A bakery' } });
      await assert.rejects(sb.generateStructure(4, bp.id), (err) => {
        assert.ok(err instanceof Error);
        assert.equal(err.code, 'insufficient_credits');
        assert.equal(err.required, 50);
        assert.equal(err.available, 0);
        assert.match(err.message, /50 required, 0 available/);
        return true;
      });
      const tx = await sb.grantCredits(4, 30, 'trial');
      assert.equal(tx.transactionType, 'purchase');
      assert.equal(tx.amount, 30);
      assert.equal(tx.balanceAfter, 30);
      assert.equal(await sb.balance(4), 30);
      await assert.rejects(sb.generateStructure(4, bp.id), { code: 'insufficient_credits', required: 50, available: 30 });
      assert.equal(await sb.balance(4), 30, 'a refused run charges nothing');
    });

    test('generateStructure saves pages from the HTTP model and charges once', async () => {
      const before = server.requests.length;
      await sb.grantCredits(5, 100);
      const bp = await sb.createBlueprint(5, { name: 'Porto Bakery', config: { businessBrief: 'Family bakery in Porto' } });
      assert.equal(bp.structureJson && Object.keys(bp.structureJson).length, 0, 'no structure before the first generation');
      const outcome = await sb.generateStructure(5, bp.id);
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.functionName, 'generate_site_structure');
      assert.equal(outcome.creditsCharged, 50);
      assert.equal(outcome.tokensIn, 120);
      assert.equal(outcome.tokensOut, 340);
      assert.equal(outcome.model, 'test-model');
      assert.equal(outcome.replayed, false);
      assert.equal(server.requests.length, before + 1);
      assert.equal(server.requests.at(-1).headers.authorization, 'Bearer sk-test');
      assert.equal(server.requests.at(-1).body.model, 'test-model');

      const saved = await sb.getBlueprint(5, bp.id);
      assert.equal(saved.status, 'ready');
      assert.equal(saved.version, bp.version + 1);
      assert.equal(saved.structureJson.site.name, 'Porto Bakery');
      const pages = await sb.listPages(5, bp.id);
      assert.deepEqual(pages.map((p) => p.slug), ['home', 'about', 'contact']);
      assert.equal(pages[0].blocks[0].type, 'hero');
      assert.equal(await sb.balance(5), 50);

      const task = await sb.task(5, outcome.taskId);
      assert.equal(task.status, 'succeeded');
      assert.equal(task.credits, 50);
      assert.equal(task.phase, 'DONE');
    });
  });
}
