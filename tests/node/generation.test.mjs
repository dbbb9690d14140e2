// Generations against a real HTTP server speaking the OpenAI wire format: progress callbacks, the
// event loop staying free, page content, runs by name, idempotency per task id, and declarative
// functions registered from JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { completion, openAiProvider, openAiServer, sqliteDb, structureAnswer } from './helpers.mjs';

describe('generation through the binding', () => {
  let db;
  let server;
  let sb;
  let delayMs = 0;
  let answer = () => completion(structureAnswer());

  before(async () => {
    db = sqliteDb();
    server = await openAiServer((body) => ({ body: answer(body), delayMs }));
    sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server) });
    await sb.grantCredits(1, 10_000, 'test credits');
  });

  after(async () => {
    await server?.close();
    db?.cleanup();
  });

  test('progress events arrive in phase order and end at 100 %', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Progress', config: { businessBrief: 'A bakery' } });
    const events = [];
    const outcome = await sb.generateStructure(1, bp.id, { onProgress: (e) => events.push(e) });
    // Progress calls are queued to the event loop; let the last ones land.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(events.length >= 3, `got ${events.length} events`);
    const order = ['INIT', 'PREP', 'AI_CALL', 'PARSE', 'SAVE', 'DONE'];
    const phases = events.map((e) => order.indexOf(e.phase));
    assert.ok(phases.every((p) => p >= 0), `known phases: ${events.map((e) => e.phase)}`);
    assert.deepEqual(phases, [...phases].sort((a, b) => a - b), 'phases never go back');
    for (let i = 1; i < events.length; i++) assert.ok(events[i].percent >= events[i - 1].percent);
    const last = events.at(-1);
    assert.equal(last.phase, 'DONE');
    assert.equal(last.percent, 100);
    assert.ok(events.every((e) => e.taskId === outcome.taskId));
    assert.ok(events.some((e) => e.phase === 'AI_CALL'));
  });

  test('timers keep firing while a generation is awaited', async () => {
    delayMs = 300;
    try {
      const bp = await sb.createBlueprint(1, { name: 'Timers', config: { businessBrief: 'A bakery' } });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = performance.now();
      try {
        await sb.generateStructure(1, bp.id);
      } finally {
        clearInterval(timer);
      }
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 290, `the server answered after ${elapsed} ms`);
      // A blocked event loop would give 0 or 1 tick; a free one about elapsed / 5.
      assert.ok(ticks >= 20, `only ${ticks} ticks in ${Math.round(elapsed)} ms`);
    } finally {
      delayMs = 0;
    }
  });

  test('many calls in flight at once all resolve', async () => {
    const bps = await Promise.all([1, 2, 3, 4, 5].map((i) => sb.createBlueprint(1, { name: `Concurrent ${i}` })));
    const got = await Promise.all(bps.map((b) => sb.getBlueprint(1, b.id)));
    assert.deepEqual(got.map((b) => b.name), bps.map((b) => b.name));
  });

  test('generatePageContent fills one page and charges 20', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Content', config: { businessBrief: 'A bakery' } });
    await sb.generateStructure(1, bp.id);
    const [home] = await sb.listPages(1, bp.id);
    const blocks = [
      { type: 'hero', data: { heading: 'Fresh bread', subheading: 'Every morning', cta: { label: 'Order', href: '/contact' } } },
      { type: 'features', data: { heading: 'Why us', items: [{ title: 'Local', description: 'Porto flour' }] } },
    ];
    answer = () => completion({ blocks, seo: { meta_title: 'Home', meta_description: 'Fresh bread' } });
    try {
      const balance = await sb.balance(1);
      const outcome = await sb.generatePageContent(1, home.id);
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.creditsCharged, 20);
      assert.equal(await sb.balance(1), balance - 20);
      const page = await sb.getPage(1, home.id);
      assert.ok(page.blocks.some((b) => b.type === 'features'), JSON.stringify(page.blocks));
    } finally {
      answer = () => completion(structureAnswer());
    }
  });

  test('generateAllPages runs one page after another with current/total in progress', async () => {
    const bp = await sb.createBlueprint(1, { name: 'All pages', config: { businessBrief: 'A bakery' } });
    await sb.generateStructure(1, bp.id);
    const pages = await sb.listPages(1, bp.id);
    answer = (body) => {
      const prompt = JSON.stringify(body.messages);
      const type = ['contact', 'about', 'home'].find((t) => prompt.includes(`"${t}"`) || prompt.includes(`type: ${t}`)) ?? 'custom';
      const block = type === 'contact'
        ? { type: 'form', data: { heading: 'Write to us', fields: [{ name: 'email', label: 'Email', type: 'email', required: true }], submit_label: 'Send' } }
        : { type: 'hero', data: { heading: 'Fresh bread' } };
      return completion({ blocks: [block, { type: 'text', data: { body: 'Baked daily.' } }], seo: { meta_title: 'Bakery', meta_description: 'Fresh bread in Porto' } });
    };
    const events = [];
    try {
      const outcomes = await sb.generateAllPages(1, bp.id, { onProgress: (e) => events.push(e) });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(outcomes.length, pages.length);
      for (const o of outcomes) assert.equal(o.status, 'succeeded');
      const totals = new Set(events.filter((e) => e.total !== undefined && e.total !== null).map((e) => e.total));
      assert.deepEqual([...totals], [pages.length], JSON.stringify(events.slice(0, 3)));
      const currents = new Set(events.map((e) => e.current).filter((c) => c !== undefined && c !== null));
      assert.equal(currents.size, pages.length);
    } finally {
      answer = () => completion(structureAnswer());
    }
  });

  test('run(functionName, payload, accountId) with a task id charges once per task id', async () => {
    const bp = await sb.createBlueprint(1, { name: 'ByName', config: { businessBrief: 'A bakery' } });
    const balance = await sb.balance(1);
    const taskId = `node-task-${Date.now()}`;
    const first = await sb.run('generate_site_structure', { blueprint_id: bp.id }, 1, { taskId });
    assert.equal(first.taskId, taskId);
    assert.equal(first.creditsCharged, 50);
    assert.equal(await sb.balance(1), balance - 50);
    const again = await sb.run('generate_site_structure', { blueprint_id: bp.id }, 1, { taskId });
    assert.equal(again.taskId, taskId);
    assert.equal(again.replayed, true);
    assert.equal(await sb.balance(1), balance - 50, 'the same task id is never charged twice');
  });

  test('registerFunction adds a declarative function that run() can call', async () => {
    sb.registerFunction({
      name: 'tagline_ideas',
      promptTemplate: 'Suggest taglines for: {{brief}}',
      outputSchema: {
        type: 'object',
        properties: { taglines: { type: 'array', items: { type: 'string' } } },
        required: ['taglines'],
      },
      creditOperation: 'idea_generation',
    });
    assert.ok(sb.functionNames().includes('tagline_ideas'));
    assert.ok(sb.functionNames().includes('generate_site_structure'));
    answer = () => completion({ taglines: ['Bread before sunrise', 'Porto, one loaf at a time'] });
    try {
      const outcome = await sb.run('tagline_ideas', { brief: 'Family bakery in Porto' }, 1);
      assert.equal(outcome.status, 'succeeded');
      assert.deepEqual(outcome.result.taglines ?? outcome.result.output?.taglines, ['Bread before sunrise', 'Porto, one loaf at a time']);
      assert.equal(outcome.creditsCharged, 15);
      assert.match(JSON.stringify(server.requests.at(-1).body.messages), /Family bakery in Porto/);
    } finally {
      answer = () => completion(structureAnswer());
    }
  });

  test("an account's prompt override and a changed credit cost apply to its next run", async () => {
    await sb.grantCredits(3, 500);
    const bp = await sb.createBlueprint(3, { name: 'Override', config: { businessBrief: 'A bakery' } });
    await sb.setPromptOverride(3, 'site_structure_generation', 'NODE-OVERRIDE {{business_brief}} — answer as JSON.');
    sb.setCreditCost('site_structure_generation', 70);
    try {
      const outcome = await sb.generateStructure(3, bp.id);
      assert.match(JSON.stringify(server.requests.at(-1).body.messages), /NODE-OVERRIDE/);
      assert.equal(outcome.creditsCharged, 70);
      assert.equal(await sb.balance(3), 430);
    } finally {
      sb.setCreditCost('site_structure_generation', 50, 'per_request');
      await sb.setPromptOverride(3, 'site_structure_generation', null);
    }
    await sb.generateStructure(3, bp.id);
    assert.doesNotMatch(JSON.stringify(server.requests.at(-1).body.messages), /NODE-OVERRIDE/);
    assert.throws(() => sb.setCreditCost('site_structure_generation', -1), { code: 'invalid_input' });
    assert.throws(() => sb.setCreditCost('site_structure_generation', 1, 'per_fortnight'), { code: 'invalid_input' });
  });

  test('recoverStale leaves healthy runs alone', async () => {
    assert.deepEqual(await sb.recoverStale(60), []);
  });

  test('dispatch returns a task id at once; task() shows the run finishing', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Dispatched', config: { businessBrief: 'A bakery' } });
    const taskId = await sb.dispatch('generate_site_structure', { blueprint_id: bp.id }, 1);
    assert.equal(typeof taskId, 'string');
    let record;
    for (let i = 0; i < 200; i++) {
      record = await sb.task(1, taskId);
      if (['succeeded', 'failed', 'cancelled'].includes(record.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(record.status, 'succeeded', JSON.stringify(record));
    assert.equal(record.functionName, 'generate_site_structure');
    await assert.rejects(sb.task(2, taskId), { code: 'not_found' });
  });
});
