'use strict';
// Runs sitebuilder AI functions as BullMQ jobs on Redis, the Node twin of the Python package's Celery
// task. The job id is the core's task id, and the core charges credits at most once per task id, so
// a stalled job that BullMQ runs again (or the same job id enqueued twice) never charges twice.
// When Redis cannot be reached, `enqueue` runs the function inline and logs a warning, so the work
// is never silently dropped because no broker is there. Whether Redis is there comes from a short
// probe whose answer is kept for `PROBE_TTL_MS`, so a dead Redis costs each call well under a
// second and a Redis that comes back is used again without a restart. A job is on record as
// `queued` in the task log before it is added, so `sb.task(jobId)` answers while no worker runs.
// `scheduleRecovery` adds the repeatable job that runs `recoverStale`; `doctor` adds the Redis and
// worker checks to the core's.

const { randomUUID } = require('node:crypto');
const { Queue, Worker, UnrecoverableError } = require('bullmq');
const IORedis = require('ioredis');

/** Queue used when none is named. */
const DEFAULT_QUEUE_NAME = 'sitebuilder-ai';
/** Redis used when no connection is given. */
const DEFAULT_CONNECTION = Object.freeze({ host: '127.0.0.1', port: 6379 });
/** Error codes worth retrying; every other failure will fail the same way again. */
const TRANSIENT_CODES = new Set(['provider_unavailable', 'database']);
/** Name of the repeatable job that runs `sb.recoverStale`. */
const RECOVER_JOB_NAME = 'sitebuilder:recover_stale';
/** How long a Redis probe's answer is reused (ms). */
const PROBE_TTL_MS = 3000;
/** Default wait (ms without progress) after which a running task counts as abandoned. */
const RECOVER_OLDER_THAN_MS = 900_000;

/** Probe answers per `host:port`: `{ at, up }`. */
const probes = new Map();

function isClient(connection) {
  return connection !== null && typeof connection === 'object' && typeof connection.duplicate === 'function';
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether Redis answers PING within `timeoutMs`. Never throws. */
async function redisReachable(connection = DEFAULT_CONNECTION, timeoutMs = 1000) {
  if (isClient(connection)) {
    try {
      await withTimeout(connection.ping(), timeoutMs, 'Redis PING');
      return true;
    } catch {
      return false;
    }
  }
  const client = new IORedis({
    ...connection,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      timeoutMs,
      'Redis connect',
    );
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function describe(connection) {
  return isClient(connection) ? 'the given Redis client' : `Redis at ${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

/**
 * Whether Redis is reachable, from a probe of at most `timeoutMs`, reused for `ttlMs` per address
 * (`fresh: true` asks again). Never throws.
 */
async function brokerReachable(connection = DEFAULT_CONNECTION, { timeoutMs = 500, ttlMs = PROBE_TTL_MS, fresh = false } = {}) {
  if (isClient(connection)) return redisReachable(connection, timeoutMs);
  const key = `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
  const seen = probes.get(key);
  if (!fresh && seen && Date.now() - seen.at < ttlMs) return seen.up;
  const up = await redisReachable(connection, timeoutMs);
  probes.set(key, { at: Date.now(), up });
  return up;
}

/**
 * Enqueues `functionName(payload)` for `accountId` as a BullMQ job whose id is the run's task id.
 * Resolves with `{ mode: "queued", jobId, queueName }`, or, when Redis is unreachable within
 * `timeoutMs`, runs it inline through `sb.run` and resolves with `{ mode: "inline", jobId, outcome }`.
 */
async function enqueue(sb, functionName, payload, accountId, options = {}) {
  const {
    jobId = randomUUID(),
    connection = DEFAULT_CONNECTION,
    queueName = DEFAULT_QUEUE_NAME,
    queue = undefined,
    timeoutMs = 500,
    probeTtlMs = PROBE_TTL_MS,
    jobOptions = {},
    logger = console,
    onProgress = undefined,
    signal = undefined,
  } = options;
  if (typeof functionName !== 'string' || functionName === '') throw new TypeError('functionName must be a non-empty string');
  const data = { functionName, payload, accountId };
  const opts = {
    jobId,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 24 * 3600 },
    ...jobOptions,
  };

  // On record before anything else: the id answers `queued` at once, and a bad call fails here.
  await sb.queueTask(functionName, payload, accountId, { taskId: jobId });
  const target = queue ?? null;
  const where = target ? await target.client : connection;
  const reachable = await brokerReachable(where, { timeoutMs, ttlMs: probeTtlMs });
  if (reachable) {
    const q = target ?? new Queue(queueName, { connection: isClient(connection) ? connection : { ...connection } });
    try {
      await withTimeout(q.add(functionName, data, opts), Math.max(timeoutMs, 5000), 'BullMQ add');
      return { mode: 'queued', jobId, queueName: q.name };
    } catch (err) {
      if (!isClient(where)) probes.set(`${where.host ?? '127.0.0.1'}:${where.port ?? 6379}`, { at: Date.now(), up: false });
      logger.warn(`sitebuilder: could not enqueue ${functionName} on Redis (${err.message}); running it inline`);
    } finally {
      if (!target) await q.close().catch(() => {});
    }
  } else {
    logger.warn(`sitebuilder: ${describe(where)} is unreachable; running ${functionName} inline (start Redis and a worker to queue it)`);
  }
  const outcome = await sb.run(functionName, payload, accountId, { taskId: jobId, onProgress, signal });
  return { mode: 'inline', jobId, outcome };
}

/**
 * What a streamed run has produced so far, for `job.updateProgress`: the site settings, the pages
 * in answer order, the completion tokens counted (the Celery task's `PROGRESS` meta carries the
 * same, under the same names).
 */
class Arrived {
  site = null;
  pages = new Map();
  completionTokens = null;

  add(event) {
    const partial = event.partial;
    if (!partial) return;
    if (partial.kind === 'site') this.site = partial.site;
    else if (partial.kind === 'page' && Number.isInteger(partial.index)) this.pages.set(partial.index, partial.page);
    else if (partial.kind === 'tokens') this.completionTokens = partial.completion_tokens;
  }

  progress() {
    const pages = [...this.pages.keys()].sort((a, b) => a - b).map((i) => this.pages.get(i));
    return { site: this.site, pages, completion_tokens: this.completionTokens };
  }
}

/**
 * Runs one job: `sb.run` with the job id as task id; progress goes to `job.updateProgress`
 * (`{ phase, percent, message, site, pages, completion_tokens }`: a streamed run's pages so far);
 * BullMQ's `signal` (aborted by `worker.cancelJob`) stops the run. Failures that would fail again
 * (bad input, no credits, a cancellation, …) are not retried by BullMQ.
 */
async function processJob(sb, job, signal = undefined) {
  if (job.name === RECOVER_JOB_NAME) return sb.recoverStale((job.data?.olderThanMs ?? RECOVER_OLDER_THAN_MS) / 1000);
  const { functionName, payload, accountId } = job.data;
  const taskId = String(job.id);
  const arrived = new Arrived();
  const run = () =>
    sb.run(functionName, payload, accountId, {
      taskId,
      signal,
      onProgress: (event) => {
        arrived.add(event);
        job.updateProgress({ phase: event.phase, percent: event.percent, message: event.message, ...arrived.progress() }).catch(() => {});
      },
    });
  try {
    try {
      return await run();
    } catch (err) {
      // A twin of a job another worker is running (the same job id added twice, a stalled job
      // re-run while its first run goes on): wait for that run and replay its outcome.
      if (err?.code !== 'conflict' || !(await waitForTwin(sb, taskId, accountId, signal))) throw err;
      return await run();
    }
  } catch (err) {
    if (err && typeof err.code === 'string' && !TRANSIENT_CODES.has(err.code)) {
      const final = new UnrecoverableError(`${err.code}: ${err.message}`);
      final.code = err.code;
      throw final;
    }
    throw err;
  }
}

/** Waits while the task runs elsewhere; true when that run then succeeded. */
async function waitForTwin(sb, taskId, accountId, signal, timeoutMs = RECOVER_OLDER_THAN_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    const record = await sb.task(accountId, taskId);
    if (record.status !== 'running') return record.status === 'succeeded';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * Adds (or updates) the repeatable job that runs `sb.recoverStale(olderThanMs)` every `everyMs`
 * on `queue`; a worker from `createWorker` on that queue runs it. Pick `olderThanMs` above the
 * provider's timeout × retries.
 */
async function scheduleRecovery(queue, { everyMs = 60_000, olderThanMs = RECOVER_OLDER_THAN_MS } = {}) {
  return queue.upsertJobScheduler('sitebuilder-recover-stale', { every: everyMs }, { name: RECOVER_JOB_NAME, data: { olderThanMs } });
}

/**
 * The core's checks (`sb.doctor`) plus Redis reachable and a live worker on the queue, each failure
 * with its fix. `{ ok, checks }`, as `sb.doctor()`.
 */
async function doctor(sb, options = {}) {
  const { connection = DEFAULT_CONNECTION, queueName = DEFAULT_QUEUE_NAME, queue = undefined, timeoutMs = 1000, stuckAfterMs = undefined } = options;
  const report = await sb.doctor({ stuckAfterSecs: stuckAfterMs == null ? undefined : stuckAfterMs / 1000 });
  const checks = [...report.checks];
  const where = queue ? await queue.client : connection;
  const up = await brokerReachable(where, { timeoutMs, fresh: true });
  checks.push({
    name: 'broker',
    ok: up,
    detail: up ? `${describe(where)} answers PING` : `${describe(where)} does not answer within ${timeoutMs} ms`,
    fix: up ? null : 'start Redis (redis-server) or fix the connection; until then enqueue() runs jobs inline in the caller',
  });
  if (up) {
    const q = queue ?? new Queue(queueName, { connection: isClient(connection) ? connection : { ...connection } });
    try {
      const workers = await withTimeout(q.getWorkersCount(), timeoutMs, 'listing workers');
      checks.push({
        name: 'workers',
        ok: workers > 0,
        detail: `${workers} worker(s) on queue ${q.name}`,
        fix: workers > 0 ? null : `start a worker on queue ${q.name}: createWorker(sb, { queueName: '${q.name}' }) in a long-running process`,
      });
    } catch (err) {
      checks.push({ name: 'workers', ok: false, detail: `cannot list workers: ${err.message}`, fix: 'check the Redis connection' });
    } finally {
      if (!queue) await q.close().catch(() => {});
    }
  } else {
    checks.push({ name: 'workers', ok: false, detail: 'not asked: Redis is unreachable', fix: 'start Redis, then a worker from createWorker()' });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** A BullMQ worker running sitebuilder jobs from `queueName`. Close it with `await worker.close()`. */
function createWorker(sb, options = {}) {
  const { connection = DEFAULT_CONNECTION, concurrency = 1, queueName = DEFAULT_QUEUE_NAME, workerOptions = {} } = options;
  return new Worker(queueName, (job, _token, signal) => processJob(sb, job, signal), {
    // Workers block on Redis; BullMQ requires unlimited retries per request on their connection.
    connection: isClient(connection) ? connection : { ...connection, maxRetriesPerRequest: null },
    concurrency,
    ...workerOptions,
  });
}

module.exports = {
  enqueue,
  createWorker,
  processJob,
  redisReachable,
  brokerReachable,
  scheduleRecovery,
  doctor,
  DEFAULT_QUEUE_NAME,
  DEFAULT_CONNECTION,
  TRANSIENT_CODES,
  RECOVER_JOB_NAME,
  PROBE_TTL_MS,
};
