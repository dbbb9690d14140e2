// Issue 16's attack corpus (tests/http/attack-corpus.json) against the Node router in Express and
// in Fastify over real HTTP on PostgreSQL: no 5xx, no HTML, the JSON error shape with the expected
// code, no driver text, and no row changed by a refused request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { CORPUS_TOKENS, send, snapshot, startHost } from './hostile-support.mjs';

const CORPUS = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'http', 'attack-corpus.json'), 'utf8'));

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

function checkAnswer(c, { status, type, text, data }, answers) {
  assert.ok(status < 500, `${c.name}: HTTP ${status}: ${text.slice(0, 300)}`);
  assert.equal(status, c.status, `${c.name}: HTTP ${status}, expected ${c.status}: ${text.slice(0, 300)}`);
  if (status === 204) return undefined;
  assert.ok(type.startsWith('application/json'), `${c.name}: ${type}: ${text.slice(0, 200)}`);
  if (status >= 400) {
    assert.equal(data.success, false, c.name);
    assert.equal(data.code, c.code, `${c.name}: ${text}`);
    assert.ok(typeof data.message === 'string' && data.message.trim() && data.error === data.message, `${c.name}: ${text}`);
    for (const bad of [...CORPUS.driver_text, ...(c.message_excludes || [])]) assert.ok(!text.includes(bad), `${c.name}: the answer holds ${bad}: ${text}`);
  }
  for (const [key, value] of Object.entries(c.values || {})) assert.deepEqual(data[key], value, `${c.name}: ${key}`);
  if (c.same_as) assert.deepEqual([status, data], answers[c.same_as], `${c.name}: differs from ${c.same_as}`);
  return data;
}

async function runCorpus(framework) {
  const host = await startHost(framework);
  const account = String(Math.floor(Math.random() * 1e9) + 1000);
  const saved = {};
  const answers = {};
  const failures = [];
  try {
    for (const c of CORPUS.cases) {
      if (!(c.surfaces || ['node']).includes('node')) continue;
      const refused = c.refused ?? c.status >= 400;
      const before = refused ? snapshot(host.schema) : undefined;
      let raw;
      if (c.raw !== undefined) {
        raw = c.raw;
        for (const [token, text] of Object.entries(CORPUS_TOKENS)) raw = raw.split(token).join(text);
        raw = fill(raw, saved);
      }
      const headers = { 'x-account-id': account, 'x-prompts': '1', ...(c.headers || {}) };
      const out = await send(host.base, c.method, fill(c.path, saved), { raw, body: c.body === undefined ? undefined : fill(c.body, saved), headers });
      // Every case runs; all failures are reported at once.
      try {
        const data = checkAnswer(c, out, answers);
        if (before !== undefined) assert.equal(snapshot(host.schema), before, `${c.name}: rows changed`);
        answers[c.name] = [out.status, data];
        if (c.save) saved[c.save] = data;
      } catch (err) {
        failures.push(String(err.message).split('\n')[0]);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await host.close();
  }
}

test('the attack corpus in Express', () => runCorpus('express'));
test('the attack corpus in Fastify', () => runCorpus('fastify'));
