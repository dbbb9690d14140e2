'use strict';
// Framework-neutral health and metrics handlers for a Node host or the package's router: each takes
// a `SiteBuilder` (and optionally the BullMQ queue) and returns a function answering
// `{ status, headers, body }`, so Express, Fastify, Koa or `node:http` mount it in a line.
//
// Health answers the doctor's report as JSON: 200 when every check passed, 503 when one failed
// (each with its fix), which is what a container's liveness/readiness probe needs. Metrics are the
// core's Prometheus text plus the BullMQ queue's job counts, workers and oldest waiting job.

const { doctor } = require('./queue.js');

/** Content type of the Prometheus text exposition format. */
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function notGet(request) {
  const method = request?.method;
  if (method === undefined || method === 'GET' || method === 'HEAD') return null;
  return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'method not allowed\n' };
}

/**
 * `healthHandler(sb, { queue?, connection?, queueName?, timeoutMs?, stuckAfterMs? })`: the core's
 * checks, plus Redis and worker checks when a queue or connection is given.
 */
function healthHandler(sb, options = {}) {
  const { queue, connection, queueName, timeoutMs, stuckAfterMs } = options;
  const withBullmq = queue !== undefined || connection !== undefined || queueName !== undefined;
  return async function health(request) {
    const refused = notGet(request);
    if (refused) return refused;
    let report;
    try {
      report = withBullmq ? await doctor(sb, { queue, connection, queueName, timeoutMs, stuckAfterMs }) : await sb.doctor({ stuckAfterSecs: stuckAfterMs == null ? undefined : stuckAfterMs / 1000 });
    } catch (err) {
      report = { ok: false, checks: [{ name: 'doctor', ok: false, detail: String(err?.message ?? err), fix: 'check the database the engine opens' }] };
    }
    return {
      status: report.ok ? 200 : 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ ok: report.ok, checks: report.checks }),
    };
  };
}

function escapeLabel(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus lines for a BullMQ queue: jobs per state, live workers, oldest waiting job's age. */
async function bullmqMetrics(queue) {
  const q = `queue="${escapeLabel(queue.name)}"`;
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed', 'completed');
  const workers = await queue.getWorkersCount();
  const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
  const waitSecs = oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
  const lines = ['# HELP sitebuilder_bullmq_jobs Jobs in the BullMQ queue, by state.', '# TYPE sitebuilder_bullmq_jobs gauge'];
  for (const [state, n] of Object.entries(counts)) lines.push(`sitebuilder_bullmq_jobs{${q},state="${state}"} ${n}`);
  lines.push('# HELP sitebuilder_bullmq_workers Workers connected to the BullMQ queue.', '# TYPE sitebuilder_bullmq_workers gauge');
  lines.push(`sitebuilder_bullmq_workers{${q}} ${workers}`);
  lines.push('# HELP sitebuilder_bullmq_oldest_waiting_seconds Age of the oldest job waiting for a worker.', '# TYPE sitebuilder_bullmq_oldest_waiting_seconds gauge');
  lines.push(`sitebuilder_bullmq_oldest_waiting_seconds{${q}} ${waitSecs}`);
  return `${lines.join('\n')}\n`;
}

/** `metricsHandler(sb, { queue? })`: every metric in the Prometheus text format. */
function metricsHandler(sb, options = {}) {
  const { queue } = options;
  return async function metrics(request) {
    const refused = notGet(request);
    if (refused) return refused;
    try {
      let text = await sb.metrics();
      if (queue) text += await bullmqMetrics(queue);
      return { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, body: text };
    } catch (err) {
      return { status: 503, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, body: `# sitebuilder metrics unavailable: ${String(err?.message ?? err).replace(/\n/g, ' ')}\n` };
    }
  };
}

module.exports = { healthHandler, metricsHandler, bullmqMetrics, PROMETHEUS_CONTENT_TYPE };
