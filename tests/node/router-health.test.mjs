// health/ and metrics/ on the Node router, in Express and in Fastify, over real HTTP: no login
// needed (probes and scrapers have none), 200 while healthy, 503 with the fix once a task waits for
// a worker too long, Prometheus text with the queue's depth.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { sqliteDb } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('sitebuilder'));
const { expressRouter, fastifyPlugin } = require(join(pkg, 'router.js'));
const express = require(join(pkg, 'node_modules', 'express'));
const Fastify = require(join(pkg, 'node_modules', 'fastify'));
const PREFIX = '/api/v1/site-builder/';

const resolveScope = () => null; // nobody is logged in

async function probe(base, sb) {
  const healthy = await fetch(`${base}${PREFIX}health/`);
  assert.equal(healthy.status, 200, await healthy.clone().text());
  const report = await healthy.json();
  assert.equal(report.ok, true);
  assert.ok(report.checks.some((c) => c.name === 'queue'));

  const metrics = await fetch(`${base}${PREFIX}metrics/`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type'), /text\/plain/);
  assert.match(await metrics.text(), /sitebuilder_tasks_queued/);

  // A task nobody takes: health fails with the fix, a probe would restart or alert.
  await sb.queueTask('generate_site_structure', { blueprint_id: 1 }, 1);
  await new Promise((r) => setTimeout(r, 1100));
  const stuck = await fetch(`${base}${PREFIX}health/`);
  assert.equal(stuck.status, 503);
  const failing = (await stuck.json()).checks.find((c) => c.name === 'queue');
  assert.equal(failing.ok, false);
  assert.ok(failing.fix, 'the failing check says what to do');

  assert.equal((await fetch(`${base}${PREFIX}health/`, { method: 'POST' })).status, 405);
  // Everything else still needs a login.
  assert.equal((await fetch(`${base}${PREFIX}metadata/`)).status, 401);
}

test('health/ and metrics/ on the Express router', async () => {
  const db = sqliteDb();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  const app = express();
  app.use(express.json());
  app.use(expressRouter(sb, { resolveScope, health: { stuckAfterMs: 1000 } }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    await probe(`http://127.0.0.1:${server.address().port}`, sb);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    db.cleanup();
  }
});

test('health/ and metrics/ on the Fastify router', async () => {
  const db = sqliteDb();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  const app = Fastify();
  await app.register(fastifyPlugin, { sb, resolveScope, health: { stuckAfterMs: 1000 } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await probe(base, sb);
  } finally {
    await app.close();
    db.cleanup();
  }
});
