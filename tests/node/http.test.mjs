// The shared HTTP cases (tests/http/cases.json) against the Node router in Express and in Fastify,
// over real HTTP: the same requests, statuses and JSON shapes as the Django app.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SiteBuilder } from 'sitebuilder';

import { sqliteDb } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('sitebuilder'));
const { expressRouter, fastifyPlugin } = require(join(pkg, 'router.js'));
const express = require(join(pkg, 'node_modules', 'express'));
const Fastify = require(join(pkg, 'node_modules', 'fastify'));
const CASES = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'http', 'cases.json'), 'utf8'));
const TYPES = { number: 'number', string: 'string', boolean: 'boolean', object: 'object' };

/** `X-Account-Id` stands for the host's login in these tests. */
function resolveScope(req) {
  const id = req.headers['x-account-id'];
  return id === undefined ? null : { accountId: Number(id), staff: req.headers['x-staff'] === '1' };
}

function fill(value, saved) {
  if (typeof value === 'string') {
    const whole = /^\{(\w+)\.(\w+)\}$/.exec(value);
    if (whole) return saved[whole[1]][whole[2]];
    return value.replace(/\{(\w+)\.(\w+)\}/g, (_, a, b) => String(saved[a][b]));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, saved));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, saved)]));
  return value;
}

function check(c, status, data) {
  assert.equal(status, c.status, `${c.name}: HTTP ${status}, expected ${c.status}: ${JSON.stringify(data)}`);
  if ('json' in c) assert.deepEqual(data, c.json, c.name);
  for (const [key, kind] of Object.entries(c.shape || {})) {
    const v = data[key];
    const ok = kind === 'array' ? Array.isArray(v) : kind === 'null' ? v === null : typeof v === TYPES[kind] && v !== null && !(kind === 'object' && Array.isArray(v));
    assert.ok(ok, `${c.name}: ${key} is not ${kind}: ${JSON.stringify(data)}`);
  }
  for (const [key, value] of Object.entries(c.values || {})) assert.deepEqual(data[key], value, `${c.name}: ${key}`);
  if ('length' in c) assert.equal(data.results.length, c.length, c.name);
}

async function runCases(base) {
  const account = String(Math.floor(Math.random() * 1e9) + 1000);
  const saved = {};
  for (const c of CASES.cases) {
    const res = await fetch(base + CASES.prefix + fill(c.path, saved), {
      method: c.method,
      headers: { 'x-account-id': account, ...('body' in c ? { 'content-type': 'application/json' } : {}) },
      body: 'body' in c ? JSON.stringify(fill(c.body, saved)) : undefined,
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    check(c, res.status, data);
    if (c.save) saved[c.save] = data;
  }
}

test('the shared HTTP cases pass in Express', async () => {
  const db = sqliteDb();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  const app = express();
  app.use(express.json());
  app.use(expressRouter(sb, { resolveScope }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    await runCases(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    db.cleanup();
  }
});

test('the shared HTTP cases pass in Fastify', async () => {
  const db = sqliteDb();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  const app = Fastify();
  await app.register(fastifyPlugin, { sb, resolveScope });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await runCases(base);
    const staff = await fetch(`${base}${CASES.prefix}options/business_type/`, {
      method: 'POST',
      headers: { 'x-account-id': '1', 'x-staff': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Staff option' }),
    });
    assert.equal(staff.status, 201);
    assert.equal((await fetch(`${base}${CASES.prefix}metadata/`)).status, 401);
  } finally {
    await app.close();
    db.cleanup();
  }
});
