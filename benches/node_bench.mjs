// Node binding bench: what a call costs across the binding, and the overhead a generation adds on top
// of the model when the model answers at once. Prints a Markdown table (figures in benches/README.md).
//
//   bash tests/node/run.sh   # or: (cd bindings-node && npm install && npm run build)
//   node benches/node_bench.mjs [--iterations N]
//
// Bounded: a fixed number of iterations against a local HTTP server on 127.0.0.1; stops by itself.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { completion, openAiServer, structureAnswer } from '../tests/node/helpers.mjs';

const require = createRequire(import.meta.url);
const { SiteBuilder, errorCodes } = require('../bindings-node/index.js');

const argIndex = process.argv.indexOf('--iterations');
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 2000;
const GEN = Math.max(20, Math.round(N / 20));

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: pick(0.5), p90: pick(0.9), p99: pick(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function measure(n, fn) {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push((performance.now() - t) * 1000);
  }
  return stats(samples);
}

const rows = [];
function row(name, s, unit = 'µs') {
  const f = (v) => (unit === 'ms' ? (v / 1000).toFixed(2) : v.toFixed(1));
  rows.push(`| ${name} | ${s.n} | ${f(s.p50)} | ${f(s.p90)} | ${f(s.p99)} | ${f(s.mean)} | ${unit} |`);
}

const dir = mkdtempSync(join(tmpdir(), 'sitebuilder-node-bench-'));
const server = await openAiServer(() => ({ body: completion(structureAnswer()) }));
try {
  const mem = await SiteBuilder.open({ databaseUrl: 'memory:', provider: { kind: 'offline' } });
  const lite = await SiteBuilder.open({ databaseUrl: `sqlite://${join(dir, 'bench.db')}`, provider: { kind: 'offline' } });
  const http = await SiteBuilder.open({
    databaseUrl: `sqlite://${join(dir, 'bench-http.db')}`,
    provider: { kind: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-bench', model: 'bench', maxRetries: 0 },
  });

  row('sync call: `errorCodes()` (no I/O)', await measure(N, () => errorCodes()));
  row('sync method: `sb.functionNames()`', await measure(N, () => mem.functionNames()));
  row('async call, memory store: `balance(1)`', await measure(N, () => mem.balance(1)));
  const bp = await lite.createBlueprint(1, { name: 'Bench', config: { businessBrief: 'A bakery in Porto' } });
  row('async call, SQLite: `getBlueprint` (record → object)', await measure(N, () => lite.getBlueprint(1, bp.id)));
  row('async call, SQLite: `createBlueprint`', await measure(Math.round(N / 4), (i) => lite.createBlueprint(1, { name: `B${i}` })));
  const mapped = await measure(Math.round(N / 4), () => lite.getBlueprint(1, 999_999_999).catch((e) => e.code));
  row('rejected call → `SiteBuilderError` (`not_found`)', mapped);

  await lite.grantCredits(1, 1e9);
  await http.grantCredits(1, 1e9);
  const liteBp = await lite.createBlueprint(1, { name: 'Gen', config: { businessBrief: 'A bakery in Porto' } });
  const httpBp = await http.createBlueprint(1, { name: 'Gen', config: { businessBrief: 'A bakery in Porto' } });
  row('generateStructure, offline planner, SQLite', await measure(GEN, () => lite.generateStructure(1, liteBp.id)), 'ms');
  row('generateStructure, HTTP model answering at once, SQLite', await measure(GEN, () => http.generateStructure(1, httpBp.id)), 'ms');
  let events = 0;
  row(
    'same, with an `onProgress` callback',
    await measure(GEN, () => http.generateStructure(1, httpBp.id, { onProgress: () => events++ })),
    'ms',
  );
  const raw = await measure(GEN, () =>
    fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.json()),
  );
  row('the model server alone (one `fetch` from Node)', raw, 'ms');

  console.log(`Node ${process.version}, ${process.platform}/${process.arch}, dev build of the addon; ${events} progress events delivered.\n`);
  console.log('| operation | n | p50 | p90 | p99 | mean | unit |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) console.log(r);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
