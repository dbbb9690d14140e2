// The seed's outage made loud, with BullMQ: Redis stopped (a private redis-server, never the shared
// one) or a closed port means a fast inline fallback and failing doctor/health; a queued job is on
// record before any worker runs; a Redis that comes back is used again; a worker process killed
// mid-run is cleaned up by the repeatable recovery job.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SiteBuilder } from 'sitebuilder';
import { healthHandler, metricsHandler } from 'sitebuilder/health';
import { createWorker, doctor, enqueue, processJob, scheduleRecovery } from 'sitebuilder/queue';

import { completion, openAiProvider, openAiServer, pgSchema, sqliteDb, structureAnswer } from './helpers.mjs';
import { RedisServer, freePort } from './support/redis-server.mjs';

const { Queue } = createRequire(new URL('../../bindings-node/package.json', import.meta.url))('bullmq');

/** Serves `handler` on node's own HTTP server; resolves with its base URL and a close function. */
async function serve(routes) {
  const server = http.createServer(async (req, res) => {
    const handler = routes[req.url];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const { status, headers, body } = await handler({ method: req.method });
    res.writeHead(status, headers).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function waitFor(what, predicate, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const check = (report, name) => report.checks.find((c) => c.name === name);

describe('Redis and workers, down and back', () => {
  let db;
  let sb;
  let redis;
  const queueName = `sb-outage-${randomUUID()}`;
  const warnings = [];
  const logger = { warn: (m) => warnings.push(m) };

  before(async () => {
    db = sqliteDb();
    sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
    await sb.grantCredits(1, 10_000);
    redis = await RedisServer.start();
  });

  after(async () => {
    await redis?.stop();
    db?.cleanup();
  });

  const blueprint = (name) => sb.createBlueprint(1, { name, config: { businessBrief: 'A bakery in Porto' } });

  test('a closed port or a stopped Redis: inline at once with a warning; doctor and health fail with the fix', async () => {
    const closed = { host: '127.0.0.1', port: await freePort() };
    const stopped = redis.connection;
    for (const connection of [closed, stopped]) {
      if (connection === stopped) await redis.stop();
      warnings.length = 0;
      const bp = await blueprint('Inline');
      const res = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { connection, queueName, logger, probeTtlMs: 0 });
      assert.equal(res.mode, 'inline');
      assert.equal(res.outcome.status, 'succeeded');
      assert.equal((await sb.task(1, res.jobId)).status, 'succeeded');
      assert.match(warnings[0], /unreachable.*inline/);

      const report = await doctor(sb, { connection, queueName, timeoutMs: 300 });
      assert.equal(report.ok, false);
      assert.equal(check(report, 'broker').ok, false);
      assert.match(check(report, 'broker').fix, /redis-server/);
      assert.equal(check(report, 'workers').ok, false);

      const http = await serve({ '/health': healthHandler(sb, { connection, queueName, timeoutMs: 300 }) });
      try {
        const response = await fetch(`${http.url}/health`);
        assert.equal(response.status, 503);
        const body = await response.json();
        assert.equal(body.ok, false);
        assert.equal(body.checks.find((c) => c.name === 'broker').ok, false);
        assert.equal((await fetch(`${http.url}/health`, { method: 'POST' })).status, 405);
      } finally {
        await http.close();
      }
    }
  });

  test('Redis back: used again; a queued job is on record before any worker; metrics show the queue', async () => {
    await redis.restart();
    const connection = redis.connection;
    const bp = await blueprint('Queued');
    const jobId = randomUUID();
    const res = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { jobId, connection, queueName, logger, probeTtlMs: 0 });
    assert.deepEqual(res, { mode: 'queued', jobId, queueName });

    const record = await sb.task(1, jobId);
    assert.equal(record.status, 'queued');
    assert.equal(record.functionName, 'generate_site_structure');
    assert.deepEqual(record.payload, { blueprint_id: bp.id });
    assert.equal(record.startedAt ?? null, null);

    const queue = new Queue(queueName, { connection });
    const web = await serve({
      '/health': healthHandler(sb, { queue, timeoutMs: 1000, stuckAfterMs: 0 }),
      '/metrics': metricsHandler(sb, { queue }),
    });
    let worker;
    try {
      const report = await doctor(sb, { queue, stuckAfterMs: 0 });
      assert.equal(check(report, 'broker').ok, true);
      assert.equal(check(report, 'workers').ok, false);
      assert.match(check(report, 'workers').fix, /createWorker/);
      assert.equal(check(report, 'queue').ok, false);
      assert.ok(check(report, 'queue').detail.includes(jobId));
      assert.equal((await fetch(`${web.url}/health`)).status, 503);

      const metrics = await fetch(`${web.url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      assert.match(text, /^sitebuilder_tasks_queued 1$/m);
      assert.ok(text.includes(`sitebuilder_bullmq_jobs{queue="${queueName}",state="waiting"} 1`), text);
      assert.match(text, /sitebuilder_bullmq_oldest_waiting_seconds\{queue="[^"]+"\} \d/);

      worker = createWorker(sb, { connection, queueName });
      await waitFor('the queued job to run', async () => (await sb.task(1, jobId)).status === 'succeeded');
      const healthy = await doctor(sb, { queue });
      assert.equal(check(healthy, 'workers').ok, true, JSON.stringify(healthy));
      assert.equal(healthy.ok, true, JSON.stringify(healthy));
      assert.equal((await fetch(`${web.url}/metrics`)).status, 200);
      assert.match(await (await fetch(`${web.url}/metrics`)).text(), /sitebuilder_task_wait_seconds/);
    } finally {
      await worker?.close();
      await queue.close();
      await web.close();
    }
  });
});

describe('a worker process killed mid-run', () => {
  let pg;
  let server;
  let redis;
  let sb;

  before(async () => {
    pg = pgSchema();
    // The first model call never answers in time: the worker is killed while waiting for it.
    server = await openAiServer((_body, requests) => ({ body: completion(structureAnswer()), delayMs: requests.length === 1 ? 120_000 : 0 }));
    redis = await RedisServer.start();
    sb = await SiteBuilder.open({ databaseUrl: pg.url, provider: { kind: 'offline' } });
  });

  after(async () => {
    await server?.close();
    await redis?.stop();
    pg?.cleanup();
  });

  test('the repeatable recovery job releases the hold and puts the blueprint back', async () => {
    const queueName = `sb-killed-${randomUUID()}`;
    await sb.grantCredits(1, 200);
    const bp = await sb.createBlueprint(1, { name: 'Killed', config: { businessBrief: 'A bakery in Porto' } });
    await sb.generateStructure(1, bp.id); // a first structure: `ready`, version 1
    const before = await sb.getBlueprint(1, bp.id);

    const child = spawn(process.execPath, [fileURLToPath(new URL('./support/bullmq-worker.mjs', import.meta.url))], {
      env: {
        ...process.env,
        SB_DATABASE_URL: pg.url,
        SB_PROVIDER: JSON.stringify(openAiProvider(server, { timeoutSecs: 300 })),
        SB_REDIS_PORT: String(redis.port),
        SB_QUEUE: queueName,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await waitFor('the worker process', () => out.includes('ready'));

    const { jobId, mode } = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { connection: redis.connection, queueName });
    assert.equal(mode, 'queued');
    await waitFor('the run to reach the model', () => server.requests.length > 0);
    assert.equal((await sb.task(1, jobId)).status, 'running');
    assert.equal((await sb.getBlueprint(1, bp.id)).status, 'generating');
    assert.equal(await sb.balance(1), 100, '50 held for the run');
    child.kill('SIGKILL');
    await exited;

    const queue = new Queue(queueName, { connection: redis.connection });
    await scheduleRecovery(queue, { everyMs: 500, olderThanMs: 2000 });
    const recovery = createWorker(sb, { connection: redis.connection, queueName });
    try {
      await waitFor('the scheduled recovery', async () => (await sb.task(1, jobId)).status === 'failed');
    } finally {
      await recovery.close();
      await queue.close();
    }
    const record = await sb.task(1, jobId);
    assert.match(record.errorMessage, /abandoned/);
    const after = await sb.getBlueprint(1, bp.id);
    assert.equal(after.status, 'ready', 'back to the status it had before the run');
    assert.equal(after.version, before.version);
    assert.deepEqual(after.structureJson, before.structureJson);
    assert.equal(await sb.balance(1), 150, 'the hold was released');
  });
});

describe('two deliveries of one job at once', () => {
  test('run it once: the twin waits for the first and replays its outcome', async () => {
    const db = sqliteDb();
    const server = await openAiServer(() => ({ body: completion(structureAnswer()), delayMs: 500 }));
    try {
      const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server) });
      await sb.grantCredits(1, 100);
      const bp = await sb.createBlueprint(1, { name: 'Twins', config: { businessBrief: 'A bakery in Porto' } });
      const jobId = randomUUID();
      await sb.queueTask('generate_site_structure', { blueprint_id: bp.id }, 1, { taskId: jobId });
      // What a stalled job re-run next to its still-running first run looks like to processJob.
      const job = () => ({ id: jobId, name: 'generate_site_structure', data: { functionName: 'generate_site_structure', payload: { blueprint_id: bp.id }, accountId: 1 }, updateProgress: async () => {} });
      const [a, b] = await Promise.all([processJob(sb, job()), processJob(sb, job())]);
      assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
      assert.equal(a.creditsCharged + b.creditsCharged, 50);
      assert.equal(server.requests.length, 1, 'the model was asked once');
      assert.equal(await sb.balance(1), 50);
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});
