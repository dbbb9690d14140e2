// The Node router in Express or Fastify (argv[2]) over a fresh SQLite file behind a real HTTP
// server, for Schemathesis (tests/fuzz/run.sh). `X-Account-Id` stands for the host's login.
// Prints one JSON line `{ "base" }`; serves until killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bindings-node');
const { SiteBuilder } = require(join(pkg, 'index.js'));
const { expressRouter, expressErrors, fastifyPlugin } = require(join(pkg, 'router.js'));

const framework = process.argv[2] || 'express';
const dir = mkdtempSync(join(tmpdir(), 'sitebuilder-fuzz-'));
// A publishing target in the same temporary folder, so publish/ and unpublish/ are fuzzed too.
const sb = await SiteBuilder.open({
  databaseUrl: `sqlite://${join(dir, 'fuzz.db')}`,
  provider: { kind: 'offline' },
  publishUrl: `file://${join(dir, 'published')}`,
});
// Records for the generated ids to find (1, 2...), so routes get past their 404.
const bp = await sb.createBlueprint(4242, 'Fuzzed bakery', { description: 'A bakery in Porto.' });
await sb.createPage(4242, bp.id, 'home', 'Home');
await sb.createPage(4242, bp.id, 'about', 'About');
const resolveScope = (req) => {
  const id = req.headers['x-account-id'];
  return id === undefined ? null : { accountId: Number(id) };
};

let close;
let base;
if (framework === 'express') {
  const express = require(join(pkg, 'node_modules', 'express'));
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(expressRouter(sb, { resolveScope }));
  app.use(expressErrors());
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${server.address().port}`;
  close = () => new Promise((resolve) => server.close(resolve));
} else {
  const Fastify = require(join(pkg, 'node_modules', 'fastify'));
  const app = Fastify();
  await app.register(fastifyPlugin, { sb, resolveScope });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
}
console.log(JSON.stringify({ base }));
const stop = async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
