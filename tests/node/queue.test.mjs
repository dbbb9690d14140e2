// The BullMQ helper against the real Redis on 127.0.0.1:6379: a worker processing jobs, the same job
// id run twice charging once, and the inline fallback when Redis is unreachable.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createRequire } from 'node:module';
import { SiteBuilder } from 'sitebuilder';
import { createWorker, enqueue, redisReachable } from 'sitebuilder/queue';

import { completion, openAiProvider, openAiServer, sqliteDb, structureAnswer } from './helpers.mjs';

// BullMQ is the package's dependency; resolve it from there, as the package does.
const { QueueEvents } = createRequire(new URL('../../bindings-node/package.json', import.meta.url))('bullmq');

const connection = { host: '127.0.0.1', port: Number(process.env.SITEBUILDER_TEST_REDIS_PORT ?? 6379) };

describe('BullMQ queue', () => {
  let db;
  let server;
  let sb;
  let worker;
  let events;
  const queueName = `sitebuilder-test-${randomUUID()}`;
  const warnings = [];
  const logger = { warn: (m) => warnings.push(m) };
  let holdMs = 0;

  before(async () => {
    assert.ok(await redisReachable(connection), `Redis must run on ${connection.host}:${connection.port} for this test`);
    db = sqliteDb();
    server = await openAiServer(() => ({ body: completion(structureAnswer()), delayMs: holdMs }));
    sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server, { timeoutSecs: 30 }) });
    await sb.grantCredits(1, 1000);
    worker = createWorker(sb, { connection, queueName, concurrency: 2 });
    events = new QueueEvents(queueName, { connection });
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  });

  after(async () => {
    await worker?.close();
    await events?.close();
    await server?.close();
    db?.cleanup();
  });

  /** Resolves with the job's return value, or rejects with its failure reason. */
  function finished(jobId) {
    return new Promise((resolve, reject) => {
      const onDone = ({ jobId: id, returnvalue }) => {
        if (id !== jobId) return;
        cleanup();
        resolve(typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue);
      };
      const onFail = ({ jobId: id, failedReason }) => {
        if (id !== jobId) return;
        cleanup();
        reject(new Error(failedReason));
      };
      const cleanup = () => {
        events.off('completed', onDone);
        events.off('failed', onFail);
      };
      events.on('completed', onDone);
      events.on('failed', onFail);
    });
  }

  test('a worker processes enqueued jobs and the job id is the task id', async () => {
    const bps = await Promise.all([1, 2].map((i) => sb.createBlueprint(1, { name: `Queued ${i}`, config: { businessBrief: 'A bakery' } })));
    const results = await Promise.all(
      bps.map(async (bp) => {
        const jobId = randomUUID();
        const done = finished(jobId);
        const res = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { jobId, connection, queueName, logger });
        assert.deepEqual(res, { mode: 'queued', jobId, queueName });
        return { jobId, outcome: await done, bp };
      }),
    );
    for (const { jobId, outcome, bp } of results) {
      assert.equal(outcome.taskId, jobId);
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.creditsCharged, 50);
      assert.equal((await sb.getBlueprint(1, bp.id)).status, 'ready');
      assert.equal((await sb.task(1, jobId)).status, 'succeeded');
    }
    assert.deepEqual(warnings, []);
  });

  test('the same job id run twice (a re-run job) charges once', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Twice', config: { businessBrief: 'A bakery' } });
    const balance = await sb.balance(1);
    const jobId = randomUUID();
    const jobOptions = { removeOnComplete: true };
    let done = finished(jobId);
    await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { jobId, connection, queueName, jobOptions, logger });
    const first = await done;
    done = finished(jobId);
    await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { jobId, connection, queueName, jobOptions, logger });
    const second = await done;
    assert.equal(first.creditsCharged, 50);
    assert.equal(second.replayed, true);
    assert.equal(await sb.balance(1), balance - 50);
  });

  test('a job that cannot succeed fails at once with its code, without retries', async () => {
    const jobId = randomUUID();
    const done = finished(jobId);
    await enqueue(sb, 'generate_site_structure', { blueprint_id: 424242 }, 1, { jobId, connection, queueName, logger });
    await assert.rejects(done, /not_found/);
  });

  test('worker.cancelJob stops a running job: cancelled, nothing charged, not retried', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Cancelled job', config: { businessBrief: 'A bakery' } });
    const balance = await sb.balance(1);
    const jobId = randomUUID();
    const seen = server.requests.length;
    holdMs = 10_000;
    try {
      const done = finished(jobId);
      await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { jobId, connection, queueName, logger });
      const deadline = Date.now() + 10_000;
      while (server.requests.length === seen) {
        assert.ok(Date.now() < deadline, 'the job never reached the model');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(worker.cancelJob(jobId), true);
      await assert.rejects(done, /cancelled/);
    } finally {
      holdMs = 0;
    }
    assert.equal((await sb.task(1, jobId)).status, 'cancelled');
    assert.notEqual((await sb.getBlueprint(1, bp.id)).status, 'generating');
    assert.equal(await sb.balance(1), balance, 'nothing charged');
  });

  test('Redis unreachable: enqueue runs inline and warns', async () => {
    const bp = await sb.createBlueprint(1, { name: 'Inline', config: { businessBrief: 'A bakery' } });
    const jobId = randomUUID();
    const started = performance.now();
    const res = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, {
      jobId,
      connection: { host: '127.0.0.1', port: 1 },
      queueName,
      logger,
      timeoutMs: 1000,
    });
    assert.ok(performance.now() - started < 5000);
    assert.equal(res.mode, 'inline');
    assert.equal(res.outcome.taskId, jobId);
    assert.equal(res.outcome.status, 'succeeded');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /unreachable.*inline/);
    assert.equal((await sb.getBlueprint(1, bp.id)).status, 'ready');
  });
});
