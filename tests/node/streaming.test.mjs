// Streaming generation in Node: `streamGenerateStructure` (`for await`) and `onProgress` against the
// offline planner and a streaming OpenAI-wire server (pages one by one, in order, before the
// outcome); `break` cancels and charges nothing; a failing run throws its SiteBuilderError. Then
// the router's server-sent-events route in Express and in Fastify over real HTTP: the same events
// as the Django app, the plain route's refusals, an `error` event with the stable code, and a
// client disconnect that cancels the run.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SiteBuilder, SiteBuilderError } from 'sitebuilder';

import { completion, openAiProvider, openAiServer, sqliteDb, structureAnswer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('sitebuilder'));
const { expressRouter, fastifyPlugin } = require(join(pkg, 'router.js'));
const express = require(join(pkg, 'node_modules', 'express'));
const Fastify = require(join(pkg, 'node_modules', 'fastify'));
const PREFIX = '/api/v1/site-builder/';
const CREDITS = 100;

async function finished(sb, account, taskId, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await sb.task(account, taskId);
    if (['succeeded', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Progress events with the pages in order, then the outcome; the pages are the saved ones. */
async function checkStream(items, sb, account, blueprintId) {
  const outcome = items.at(-1);
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  assert.ok(outcome.creditsCharged > 0);
  const events = items.slice(0, -1);
  assert.ok(events.length > 0 && events.every((e) => typeof e.phase === 'string' && typeof e.taskId === 'string'));
  const pages = events.filter((e) => e.partial?.kind === 'page').map((e) => e.partial);
  assert.ok(pages.length > 0, 'no page arrived while the run went on');
  assert.deepEqual(pages.map((p) => p.index), pages.map((_, i) => i));
  for (const p of pages) assert.ok(p.page.slug && Array.isArray(p.page.blocks) && p.page.blocks.length > 0, JSON.stringify(p));
  const lastPage = events.findLastIndex((e) => e.partial?.kind === 'page');
  assert.ok(events.slice(0, lastPage + 1).every((e) => e.phase !== 'DONE'), 'pages come before the end');
  const saved = (await sb.listPages(account, blueprintId)).map((p) => p.slug);
  assert.deepEqual(pages.map((p) => p.page.slug), saved);
  assert.equal(await sb.balance(account), CREDITS - outcome.creditsCharged);
}

async function blueprint(sb, account) {
  await sb.grantCredits(account, CREDITS, 'test');
  return (await sb.createBlueprint(account, 'Porto Bakery', { config: { business_brief: 'A family bakery in Porto' } })).id;
}

describe('library streams', () => {
  let db;
  let server;
  let offline;
  let streamed;
  let mode = 'ok';
  let chunkDelayMs = 0;

  before(async () => {
    db = sqliteDb();
    server = await openAiServer(() => (mode === 'down'
      ? { status: 503, body: { error: { message: 'overloaded' } } }
      : { body: completion(structureAnswer()), chunkSize: 20, chunkDelayMs }));
    offline = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
    streamed = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { timeoutSecs: 60 }) });
  });

  after(async () => {
    await server?.close();
    db?.cleanup();
  });

  test('offline planner: pages one by one, then the outcome; onProgress sees the same', async () => {
    const bp = await blueprint(offline, 1);
    const seen = [];
    const items = [];
    for await (const item of offline.streamGenerateStructure(1, bp, { onProgress: (e) => seen.push(e) })) items.push(item);
    await checkStream(items, offline, 1, bp);
    assert.deepEqual(seen, items.slice(0, -1));
  });

  test('onProgress of the plain method sees the partials', async () => {
    const bp = await blueprint(offline, 2);
    const kinds = [];
    await offline.generateStructure(2, bp, { onProgress: (e) => e.partial && kinds.push(e.partial.kind) });
    assert.ok(kinds.includes('site') && kinds.includes('page'), JSON.stringify(kinds));
    assert.ok(kinds.indexOf('site') < kinds.indexOf('page'));
  });

  test('streaming OpenAI-wire server: pages before the outcome', async () => {
    const before_ = server.streamed();
    const bp = await blueprint(streamed, 3);
    const items = [];
    for await (const item of streamed.streamGenerateStructure(3, bp)) items.push(item);
    assert.ok(server.streamed() > before_, 'the answer went out as server-sent events');
    assert.equal(server.requests.at(-1).body.stream, true);
    await checkStream(items, streamed, 3, bp);
  });

  test('break cancels the run and charges nothing', async () => {
    chunkDelayMs = 50;
    try {
      const bp = await blueprint(streamed, 4);
      const taskId = `node-stream-break-${Date.now()}`;
      for await (const event of streamed.streamGenerateStructure(4, bp, { taskId })) {
        assert.equal(typeof event.phase, 'string');
        if (event.partial?.kind === 'page') break;
      }
      const task = await finished(streamed, 4, taskId);
      assert.equal(task.status, 'cancelled', JSON.stringify(task));
      assert.equal(await streamed.balance(4), CREDITS);
      assert.deepEqual(await streamed.listPages(4, bp), []);
      assert.notEqual((await streamed.getBlueprint(4, bp)).status, 'generating');
    } finally {
      chunkDelayMs = 0;
    }
  });

  test('a failing run throws its SiteBuilderError from the loop', async () => {
    mode = 'down';
    try {
      const bp = await blueprint(streamed, 5);
      const seen = [];
      await assert.rejects(async () => {
        for await (const event of streamed.streamGenerateStructure(5, bp)) seen.push(event);
      }, (err) => err instanceof SiteBuilderError && err.code === 'provider_unavailable');
      assert.ok(seen.length > 0 && seen.every((e) => typeof e.phase === 'string'));
      assert.equal(await streamed.balance(5), CREDITS);
    } finally {
      mode = 'ok';
    }
  });
});

// ---- the router's server-sent events ----

function resolveScope(req) {
  const id = req.headers['x-account-id'];
  return id === undefined ? null : { accountId: Number(id) };
}

/** The server-sent events of a fetch response as [event, data], comments skipped. */
async function* sse(response) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      if (data.length > 0) yield [event, JSON.parse(data.join('\n'))];
    }
  }
}

async function collect(response) {
  const out = [];
  for await (const event of sse(response)) out.push(event);
  return out;
}

function checkEvents(events) {
  const names = events.map(([name]) => name);
  assert.equal(names.at(-1), 'done', JSON.stringify(names));
  assert.equal(names.filter((n) => n === 'done').length, 1);
  assert.ok(names.every((n) => ['progress', 'page', 'done'].includes(n)), JSON.stringify(names));
  const pages = events.filter(([n]) => n === 'page').map(([, d]) => d);
  assert.ok(pages.length > 0);
  assert.deepEqual(pages.map((p) => p.partial.index), pages.map((_, i) => i));
  for (const p of pages) assert.ok(p.partial.page.slug && p.partial.page.blocks.length > 0);
  for (const [name, data] of events) {
    if (name !== 'done') assert.ok(['task_id', 'phase', 'percent', 'message', 'current', 'total'].every((k) => k in data), JSON.stringify(data));
  }
  const done = events.at(-1)[1];
  assert.equal(done.status, 'succeeded');
  assert.ok(done.credits_charged > 0);
  return pages;
}

const FRAMEWORKS = {
  async express(sb) {
    const app = express();
    app.use(express.json());
    app.use(expressRouter(sb, { resolveScope }));
    const server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }) };
  },
  async fastify(sb) {
    const app = Fastify();
    await app.register(fastifyPlugin, { sb, resolveScope });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { base, close: () => app.close() };
  },
};

for (const [framework, mount] of Object.entries(FRAMEWORKS)) {
  describe(`router stream route in ${framework}`, () => {
    let db;
    let model;
    let down = false;
    let chunkDelayMs = 0;
    let offlineHost;
    let modelHost;
    let offline;
    let streamed;

    before(async () => {
      db = sqliteDb();
      model = await openAiServer(() => (down
        ? { status: 503, body: { error: { message: 'overloaded' } } }
        : { body: completion(structureAnswer()), chunkSize: 20, chunkDelayMs }));
      offline = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
      streamed = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(model, { timeoutSecs: 60 }) });
      offlineHost = await mount(offline);
      modelHost = await mount(streamed);
    });

    after(async () => {
      await offlineHost?.close();
      await modelHost?.close();
      await model?.close();
      db?.cleanup();
    });

    const post = (base, path, account, body = {}, extra = {}) => fetch(`${base}${PREFIX}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(account === undefined ? {} : { 'x-account-id': String(account) }) },
      body: JSON.stringify(body),
      ...extra,
    });

    for (const [label, host, sb] of [['offline planner', () => offlineHost, () => offline], ['streaming server', () => modelHost, () => streamed]]) {
      test(`pages arrive before done (${label})`, async () => {
        const account = Math.floor(Math.random() * 1e9) + 1000;
        const bp = await blueprint(sb(), account);
        const res = await post(host().base, `blueprints/${bp}/generate_structure/stream/`, account);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^text\/event-stream/);
        const pages = checkEvents(await collect(res));
        const saved = (await sb().listPages(account, bp)).map((p) => p.slug);
        assert.deepEqual(pages.map((p) => p.partial.page.slug), saved);
      });
    }

    test('refusals are the plain route\'s JSON errors', async () => {
      const account = Math.floor(Math.random() * 1e9) + 1000;
      const bp = (await offline.createBlueprint(account, 'Porto Bakery')).id;
      const route = `blueprints/${bp}/generate_structure/stream/`;
      const refused = async (res) => {
        assert.match(res.headers.get('content-type'), /^application\/json/);
        return [res.status, (await res.json()).code];
      };
      assert.deepEqual(await refused(await post(offlineHost.base, route, undefined)), [401, 'not_authenticated']);
      assert.deepEqual(await refused(await post(offlineHost.base, route, account)), [402, 'insufficient_credits']);
      await offline.grantCredits(account, CREDITS, 'test');
      assert.deepEqual(await refused(await post(offlineHost.base, `blueprints/${bp + 1000}/generate_structure/stream/`, account)), [404, 'not_found']);
      assert.deepEqual(await refused(await post(offlineHost.base, route, account, { prompt_override: 'Say hi' })), [403, 'prompt_override_forbidden']);
      assert.equal(await offline.balance(account), CREDITS);
    });

    test('a failing run ends with an error event carrying the code', async () => {
      down = true;
      try {
        const account = Math.floor(Math.random() * 1e9) + 1000;
        const bp = await blueprint(streamed, account);
        const res = await post(modelHost.base, `blueprints/${bp}/generate_structure/stream/`, account);
        assert.equal(res.status, 200);
        const events = await collect(res);
        const [name, error] = events.at(-1);
        assert.equal(name, 'error', JSON.stringify(events));
        assert.equal(error.success, false);
        assert.equal(error.code, 'provider_unavailable');
        assert.ok(error.message);
        assert.ok(events.slice(0, -1).every(([n]) => n === 'progress'));
        assert.equal(await streamed.balance(account), CREDITS);
      } finally {
        down = false;
      }
    });

    test('a client disconnect cancels the run and charges nothing', async () => {
      chunkDelayMs = 100;
      try {
        const account = Math.floor(Math.random() * 1e9) + 1000;
        const bp = await blueprint(streamed, account);
        const controller = new AbortController();
        const res = await post(modelHost.base, `blueprints/${bp}/generate_structure/stream/`, account, {}, { signal: controller.signal });
        assert.equal(res.status, 200);
        let taskId;
        try {
          for await (const [, data] of sse(res)) {
            taskId = data.task_id;
            if (data.phase === 'AI_CALL') break;
          }
        } finally {
          controller.abort();
        }
        assert.ok(taskId);
        const task = await finished(streamed, account, taskId);
        assert.equal(task.status, 'cancelled', JSON.stringify(task));
        assert.equal(await streamed.balance(account), CREDITS);
        assert.deepEqual(await streamed.listPages(account, bp), []);
      } finally {
        chunkDelayMs = 0;
      }
    });
  });
}
