// Cancellation with an AbortSignal, against a real HTTP server speaking the OpenAI wire format that
// holds its answer back: an abort stops the run (rejects with code "cancelled", nothing charged,
// nothing left `generating`, task log `cancelled`); an already-aborted signal runs nothing. Also
// `stats(since)` over a task log with successes, failures and cancellations.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { CancelHandle, SiteBuilder, SiteBuilderError } from 'sitebuilder';

import { BACKENDS, completion, openAiProvider, openAiServer, sqliteDb, structureAnswer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const native = require('../../bindings-node/native/index.js');

/** How long the server holds an answer back when told to; a cancelled run must end far sooner. */
const HOLD_MS = 4000;

async function until(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function isCancelled(err) {
  assert.ok(err instanceof SiteBuilderError, `a SiteBuilderError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.code, 'cancelled', err.message);
  return true;
}

const pageAnswer = () =>
  completion({ blocks: [{ type: 'hero', data: { heading: 'Fresh bread' } }, { type: 'text', data: { body: 'Baked daily.' } }], seo: { meta_title: 'Bakery', meta_description: 'Fresh bread' } });

for (const [backend, makeDb] of BACKENDS) {
  describe(`cancellation with an AbortSignal (${backend})`, () => {
    let db;
    let server;
    let sb;
    let holdMs = 0;
    let answer = () => completion(structureAnswer());

    before(async () => {
      db = makeDb();
      server = await openAiServer((body) => ({ body: answer(body), delayMs: holdMs }));
      sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { timeoutSecs: 30 }) });
      await sb.grantCredits(1, 10_000, 'test credits');
    });

    after(async () => {
      await server?.close();
      db?.cleanup();
    });

    /** Starts `start(signal)`, aborts once the server has the request, and returns the rejection time. */
    async function abortWhileTheModelThinks(start) {
      const controller = new AbortController();
      const seen = server.requests.length;
      holdMs = HOLD_MS;
      const began = performance.now();
      try {
        const pending = start(controller.signal);
        await until(() => server.requests.length > seen, 'the request to reach the model server');
        controller.abort();
        await assert.rejects(pending, isCancelled);
      } finally {
        holdMs = 0;
      }
      const elapsed = performance.now() - began;
      assert.ok(elapsed < HOLD_MS / 2, `rejected after ${Math.round(elapsed)} ms, before the server answered`);
    }

    test('generateStructure: abort while the server holds its answer', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Aborted', config: { businessBrief: 'A bakery in Porto' } });
      const balance = await sb.balance(1);
      const taskId = `abort-structure-${backend}-${Date.now()}`;
      await abortWhileTheModelThinks((signal) => sb.generateStructure(1, bp.id, { signal, taskId }));
      const after = await sb.getBlueprint(1, bp.id);
      assert.notEqual(after.status, 'generating');
      assert.equal(after.version, bp.version, 'no structure saved');
      assert.deepEqual(await sb.listPages(1, bp.id), []);
      assert.equal(await sb.balance(1), balance, 'nothing charged');
      const task = await sb.task(1, taskId);
      assert.equal(task.status, 'cancelled', JSON.stringify(task));
      assert.equal(task.credits, 0);
      // The same blueprint generates normally afterwards.
      const outcome = await sb.generateStructure(1, bp.id);
      assert.equal(outcome.status, 'succeeded');
    });

    test('generatePageContent, generateAllPages and run stop on abort too', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Pages', config: { businessBrief: 'A bakery in Porto' } });
      await sb.generateStructure(1, bp.id);
      const pages = await sb.listPages(1, bp.id);
      const balance = await sb.balance(1);
      answer = pageAnswer;
      try {
        await abortWhileTheModelThinks((signal) => sb.generatePageContent(1, pages[0].id, { signal }));
        await abortWhileTheModelThinks((signal) => sb.generateAllPages(1, bp.id, { signal }));
        await abortWhileTheModelThinks((signal) => sb.run('generate_page_content', { page_id: pages[1].id }, 1, { signal }));
      } finally {
        answer = () => completion(structureAnswer());
      }
      for (const page of await sb.listPages(1, bp.id)) assert.notEqual(page.status, 'generating', page.slug);
      assert.equal(await sb.balance(1), balance, 'nothing charged');
    });

    test('dispatch: an abort after it returned stops the background run', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Dispatched', config: { businessBrief: 'A bakery in Porto' } });
      const balance = await sb.balance(1);
      const controller = new AbortController();
      const seen = server.requests.length;
      holdMs = HOLD_MS;
      try {
        const taskId = await sb.dispatch('generate_site_structure', { blueprint_id: bp.id }, 1, { signal: controller.signal });
        await until(() => server.requests.length > seen, 'the request to reach the model server');
        controller.abort();
        const task = await sb.waitTask(1, taskId, HOLD_MS / 2000);
        assert.equal(task.status, 'cancelled', JSON.stringify(task));
        assert.equal(task.credits, 0);
      } finally {
        holdMs = 0;
      }
      assert.notEqual((await sb.getBlueprint(1, bp.id)).status, 'generating');
      assert.equal(await sb.balance(1), balance, 'nothing charged');
    });

    test('an already-aborted signal rejects at once and runs nothing', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Too late', config: { businessBrief: 'A bakery' } });
      const balance = await sb.balance(1);
      const seen = server.requests.length;
      const reason = new Error('the user closed the wizard');
      const taskId = `pre-aborted-${backend}-${Date.now()}`;
      const started = performance.now();
      await assert.rejects(sb.generateStructure(1, bp.id, { signal: AbortSignal.abort(reason), taskId }), (err) => {
        isCancelled(err);
        assert.equal(err.cause, reason, 'the abort reason is the cause');
        return true;
      });
      await assert.rejects(sb.run('generate_site_structure', { blueprint_id: bp.id }, 1, { signal: AbortSignal.abort() }), isCancelled);
      assert.ok(performance.now() - started < 500);
      assert.equal(server.requests.length, seen, 'the model was never asked');
      await assert.rejects(sb.task(1, taskId), { code: 'not_found' });
      assert.equal((await sb.getBlueprint(1, bp.id)).status, bp.status);
      assert.equal(await sb.balance(1), balance);
    });

    test('a signal that never aborts changes nothing, and its listener is removed', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Kept', config: { businessBrief: 'A bakery' } });
      // A minimal AbortSignal look-alike that counts listeners.
      const listeners = new Set();
      const signal = { aborted: false, addEventListener: (_type, fn) => listeners.add(fn), removeEventListener: (_type, fn) => listeners.delete(fn) };
      let added = 0;
      const pending = sb.generateStructure(1, bp.id, { signal: { ...signal, addEventListener: (t, fn) => (added++, signal.addEventListener(t, fn)) } });
      const outcome = await pending;
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.creditsCharged, 50);
      assert.equal(added, 1);
      assert.equal(listeners.size, 0, 'the abort listener is removed once the run settles');
    });

    test('a CancelHandle passed as { cancel } stops a run without an AbortController', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Handle', config: { businessBrief: 'A bakery' } });
      const handle = new CancelHandle();
      assert.equal(handle.cancelled, false);
      await abortWhileTheModelThinks((signal) => {
        signal.addEventListener('abort', () => handle.cancel());
        return sb.generateStructure(1, bp.id, { cancel: handle });
      });
      assert.equal(handle.cancelled, true);
      assert.notEqual((await sb.getBlueprint(1, bp.id)).status, 'generating');
    });

    test('signal is refused where it would be ignored: not an AbortSignal, or the raw native addon', async () => {
      const bp = await sb.createBlueprint(1, { name: 'Ignored', config: { businessBrief: 'A bakery' } });
      const controller = new AbortController();
      await assert.rejects(sb.dispatch('generate_site_structure', { blueprint_id: bp.id }, 1, { signal: 'stop' }), { code: 'invalid_input' });
      await assert.rejects(sb.generateStructure(1, bp.id, { signal: 'stop' }), { code: 'invalid_input' });
      const raw = await native.SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
      const request = JSON.stringify({ account_id: 1, blueprint_id: bp.id });
      await assert.rejects(raw.call('generate_structure', request, { signal: controller.signal }), (err) => /options\.signal/.test(err.message));
      assert.equal((await sb.getBlueprint(1, bp.id)).status, bp.status);
    });
  });
}

describe('stats(since)', () => {
  let db;
  let server;
  let sb;
  let respond = () => ({ body: completion(structureAnswer()) });

  before(async () => {
    db = sqliteDb();
    server = await openAiServer((body) => respond(body));
    sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { timeoutSecs: 30 }) });
    await sb.grantCredits(1, 10_000);
  });

  after(async () => {
    await server?.close();
    db?.cleanup();
  });

  test('counts successes, failures by code and cancellations per function', async () => {
    const since = new Date(Date.now() - 60_000);
    assert.deepEqual(await sb.stats(since), [], 'a fresh task log');
    const brief = { config: { businessBrief: 'A bakery in Porto' } };
    const bp = await sb.createBlueprint(1, { name: 'Stats', ...brief });
    await sb.generateStructure(1, bp.id);
    await sb.generateStructure(1, bp.id);

    respond = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    await assert.rejects(sb.generateStructure(1, bp.id), { code: 'provider_rejected' });

    respond = () => ({ body: completion(structureAnswer()), delayMs: HOLD_MS });
    const controller = new AbortController();
    const seen = server.requests.length;
    const pending = sb.generateStructure(1, bp.id, { signal: controller.signal });
    await until(() => server.requests.length > seen, 'the request');
    controller.abort();
    await assert.rejects(pending, isCancelled);
    respond = () => ({ body: completion(structureAnswer()) });

    const stats = await sb.stats(since);
    assert.deepEqual(stats, [
      { functionName: 'generate_site_structure', finished: 4, succeeded: 2, failedByCode: { provider_rejected: 1 }, cancelled: 1 },
    ]);
    const later = await sb.stats(new Date(Date.now() + 3_600_000));
    assert.ok(later.every((s) => s.finished === 0), JSON.stringify(later));
    await assert.rejects(sb.stats('yesterday'), { code: 'invalid_input' });
    await assert.rejects(sb.stats(new Date('not a date')), { code: 'invalid_input' });
  });
});
