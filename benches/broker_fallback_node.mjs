// How long `enqueue` (sitebuilder/queue) takes to give up on an unreachable Redis and run inline.
//
//   node benches/broker_fallback_node.mjs      (after `bash tests/node/run.sh` built the package)
//
// Offline planner on a SQLite file. For a closed port and a stopped private redis-server: the probe
// alone, cold (`probeTtlMs: 0`) and cached, and the whole enqueue including the inline run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SiteBuilder } from '../bindings-node/index.mjs';
import queue from '../bindings-node/queue.js';
import { RedisServer, freePort } from '../tests/node/support/redis-server.mjs';

const { brokerReachable, enqueue } = queue;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, connection, sb, runs = 20) {
  const cold = [];
  const whole = [];
  const cached = [];
  for (let i = 0; i < runs; i += 1) {
    let t = performance.now();
    await brokerReachable(connection, { fresh: true });
    cold.push(performance.now() - t);
    const bp = await sb.createBlueprint(1, { name: 'Bench', config: { businessBrief: 'A bakery' } });
    t = performance.now();
    const res = await enqueue(sb, 'generate_site_structure', { blueprint_id: bp.id }, 1, { connection, logger: { warn() {} } });
    cached.push(performance.now() - t);
    if (res.mode !== 'inline') throw new Error('expected inline');
    const bp2 = await sb.createBlueprint(1, { name: 'Bench', config: { businessBrief: 'A bakery' } });
    t = performance.now();
    await enqueue(sb, 'generate_site_structure', { blueprint_id: bp2.id }, 1, { connection, logger: { warn() {} }, probeTtlMs: 0 });
    whole.push(performance.now() - t);
  }
  console.log(
    `${label}: probe ${median(cold).toFixed(2)} ms; enqueue incl. inline run ${median(whole).toFixed(1)} ms with a fresh probe, ${median(cached).toFixed(1)} ms with the cached answer (median of ${runs})`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
try {
  const sb = await SiteBuilder.open({ databaseUrl: `sqlite://${join(dir, 'bench.db')}`, provider: { kind: 'offline' } });
  await sb.grantCredits(1, 1e9);
  await measure('closed port', { host: '127.0.0.1', port: await freePort() }, sb);
  const redis = await RedisServer.start();
  await redis.stop();
  await measure('stopped redis-server', redis.connection, sb);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
