// Shared parts of the hostile-input tests of the Node router: Express and Fastify hosts on real
// HTTP over a fresh PostgreSQL schema, and a snapshot of every table of that schema.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { SiteBuilder } from 'sitebuilder';

import { PG_BASE, pgSchema } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('sitebuilder'));
export const { expressRouter, expressErrors, fastifyPlugin } = require(join(pkg, 'router.js'));
const express = require(join(pkg, 'node_modules', 'express'));
const Fastify = require(join(pkg, 'node_modules', 'fastify'));

export const PREFIX = '/api/v1/site-builder/';

export const CORPUS_TOKENS = {
  '@NEST_ARRAY@': '['.repeat(100000) + ']'.repeat(100000),
  '@NEST_OBJECTS@': '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
  '@BLOCKS_20000@': JSON.stringify(Array.from({ length: 20000 }, () => ({ type: 'text', data: { body: 'x' } }))),
};

/** `X-Account-Id` stands for the host's login; `X-Prompts: 1` for a user granted prompt overrides. */
export function resolveScope(req) {
  const id = req.headers['x-account-id'];
  return id === undefined ? null : { accountId: Number(id), staff: req.headers['x-staff'] === '1' };
}
const allowPromptOverride = (req) => req.headers['x-prompts'] === '1';

/** Starts `framework` ('express' | 'fastify') over a fresh schema: `{ base, sb, schema, close }`. */
export async function startHost(framework) {
  const db = pgSchema();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  if (framework === 'express') {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use(expressRouter(sb, { resolveScope, allowPromptOverride }));
    app.use(expressErrors());
    const server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const close = async () => {
      await new Promise((resolve) => server.close(resolve));
      db.cleanup();
    };
    return { base: `http://127.0.0.1:${server.address().port}`, sb, schema: db.schema, close };
  }
  const app = Fastify();
  await app.register(fastifyPlugin, { sb, resolveScope, allowPromptOverride });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    await app.close();
    db.cleanup();
  };
  return { base, sb, schema: db.schema, close };
}

/** A digest of every table of `schema`, one line per table, in one psql call. */
export function snapshot(schema) {
  const sql = `SELECT table_name || ' ' || md5(query_to_xml(format('SELECT * FROM %I.%I ORDER BY 1', table_schema, table_name), true, false, '')::text)
    FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY table_name`;
  return execFileSync('psql', [PG_BASE, '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

/** One request: `{ status, type, text, data }` (`data` parsed when the answer is JSON). */
export async function send(base, method, path, { body, raw, headers = {} } = {}) {
  const hasBody = body !== undefined || raw !== undefined;
  const res = await fetch(base + PREFIX + path, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
    body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const type = res.headers.get('content-type') || '';
  let data;
  if (type.startsWith('application/json') && text) data = JSON.parse(text);
  return { status: res.status, type, text, data };
}
