'use strict';
// Runs sitebuilder AI functions as BullMQ jobs on Redis, the Node twin of the Python package's Celery
// task. The job id is the core's task id, and the core charges credits at most once per task id, so
// a stalled job that BullMQ runs again (or the same job id enqueued twice) never charges twice.
// When Redis cannot be reached, `enqueue` runs the function inline and logs a warning, so the work
// is never silently dropped because no broker is there.

const { randomUUID } = require('node:crypto');
const { Queue, Worker, UnrecoverableError } = require('bullmq');
const IORedis = require('ioredis');

/** Queue used when none is named. */
const DEFAULT_QUEUE_NAME = 'sitebuilder-ai';
/** Redis used when no connection is given. */
const DEFAULT_CONNECTION = Object.freeze({ host: '127.0.0.1', port: 6379 });
/** Error codes worth retrying; every other failure will fail the same way again. */
const TRANSIENT_CODES = new Set(['provider_unavailable', 'database']);

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
    timeoutMs = 1000,
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

  const target = queue ?? null;
  const reachable = await redisReachable(target ? await target.client : connection, timeoutMs);
  if (reachable) {
    const q = target ?? new Queue(queueName, { connection: isClient(connection) ? connection : { ...connection } });
    try {
      await withTimeout(q.add(functionName, data, opts), Math.max(timeoutMs, 5000), 'BullMQ add');
      return { mode: 'queued', jobId, queueName: q.name };
    } catch (err) {
      logger.warn(`sitebuilder: could not enqueue ${functionName} on Redis (${err.message}); running it inline`);
    } finally {
      if (!target) await q.close().catch(() => {});
    }
  } else {
    const where = isClient(connection) ? 'the given Redis client' : `Redis at ${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
    logger.warn(`sitebuilder: ${where} is unreachable; running ${functionName} inline (start Redis and a worker to queue it)`);
  }
  const outcome = await sb.run(functionName, payload, accountId, { taskId: jobId, onProgress, signal });
  return { mode: 'inline', jobId, outcome };
}

/**
 * Runs one job: `sb.run` with the job id as task id; progress goes to `job.updateProgress`;
 * BullMQ's `signal` (aborted by `worker.cancelJob`) stops the run. Failures that would fail again
 * (bad input, no credits, a cancellation, …) are not retried by BullMQ.
 */
async function processJob(sb, job, signal = undefined) {
  const { functionName, payload, accountId } = job.data;
  try {
    return await sb.run(functionName, payload, accountId, {
      taskId: String(job.id),
      signal,
      onProgress: (event) => {
        job.updateProgress({ phase: event.phase, percent: event.percent, message: event.message }).catch(() => {});
      },
    });
  } catch (err) {
    if (err && typeof err.code === 'string' && !TRANSIENT_CODES.has(err.code)) {
      const final = new UnrecoverableError(`${err.code}: ${err.message}`);
      final.code = err.code;
      throw final;
    }
    throw err;
  }
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
  DEFAULT_QUEUE_NAME,
  DEFAULT_CONNECTION,
  TRANSIENT_CODES,
};
