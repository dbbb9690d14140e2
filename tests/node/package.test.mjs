// Packaging: `import` and `require` give the same API, the generated `native/index.d.ts` matches the
// Rust sources (drift check), and the TypeScript example (type-checked by run.sh) runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as esm from 'sitebuilder';
import * as esmQueue from 'sitebuilder/queue';

import { sqliteDb } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkg = join(root, 'bindings-node');
const require = createRequire(import.meta.url);

test('ESM import and CJS require share one API', () => {
  const cjs = require('sitebuilder');
  assert.equal(typeof esm.SiteBuilder, 'function');
  assert.equal(typeof esm.SiteBuilder.open, 'function');
  assert.equal(esm.SiteBuilder, cjs.SiteBuilder);
  assert.equal(esm.SiteBuilderError, cjs.SiteBuilderError);
  assert.deepEqual([...esm.ERROR_CODES], [...cjs.ERROR_CODES]);
  assert.equal(esm.default, cjs);
  const cjsQueue = require('sitebuilder/queue');
  assert.equal(esmQueue.enqueue, cjsQueue.enqueue);
  assert.equal(typeof esmQueue.createWorker, 'function');
  for (const method of ['migrate', 'migrationStatus', 'doctor', 'metadata', 'createBlueprint', 'getBlueprint', 'listBlueprints', 'updateBlueprint', 'deleteBlueprint', 'createPage', 'getPage', 'listPages', 'updatePage', 'deletePage', 'generateStructure', 'generatePageContent', 'run', 'balance', 'grantCredits', 'listTransactions', 'listUsage', 'listOptions', 'creditPolicy', 'registerFunction', 'uploadAsset', 'downloadAsset', 'listAssets', 'deleteAsset', 'assetUsage', 'stats']) {
    assert.equal(typeof esm.SiteBuilder.prototype[method], 'function', method);
  }
  assert.throws(() => new esm.SiteBuilder(), Error, 'instances only come from SiteBuilder.open');
  assert.equal(esm.CancelHandle, cjs.CancelHandle);
  assert.equal(typeof new esm.CancelHandle().cancel, 'function');
});

test('package.json exports point at files that exist, types first', () => {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'sitebuilder');
  for (const [entry, targets] of Object.entries(manifest.exports)) {
    if (typeof targets === 'string') continue;
    assert.equal(Object.keys(targets)[0], 'types', `${entry}: "types" must come first`);
    for (const file of Object.values(targets)) assert.ok(existsSync(join(pkg, file)), `${entry} -> ${file}`);
  }
});

test('native/index.d.ts is what the build generates (no drift)', (t) => {
  const generatedPath = join(pkg, 'native', 'index.d.ts');
  const generated = readFileSync(generatedPath, 'utf8');
  let committed;
  const snapshot = process.env.SITEBUILDER_DTS_BEFORE_BUILD;
  if (snapshot && existsSync(snapshot)) {
    committed = readFileSync(snapshot, 'utf8');
  } else {
    try {
      committed = execFileSync('git', ['show', 'HEAD:bindings-node/native/index.d.ts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      t.skip('no snapshot from run.sh and no git history to compare with');
      return;
    }
  }
  assert.equal(committed, generated, 'native/index.d.ts changed when rebuilt: run `npm run build` in bindings-node and commit it');
  // The records and inputs are generated from the catalogue's JSON Schemas into ops.d.ts; the
  // native declarations hold what JSON cannot carry. Together they are the package's types.
  const types = generated + readFileSync(join(pkg, 'ops.d.ts'), 'utf8');
  for (const name of ['SiteBuilder', 'OpenOptions', 'ProviderOptions', 'SiteBlueprint', 'PageBlueprint', 'RunOutcome', 'ProgressEvent', 'Metadata', 'SiteAsset', 'AssetOptions', 'TaskStats', 'CancelHandle']) {
    assert.match(types, new RegExp(`export (declare )?(class|interface|type) ${name}\\b`), name);
  }
  assert.match(types, /\/\*\*[^]*?\*\/\s*export interface SiteBlueprint/, 'doc comments flow into the types');
  assert.match(types, /\/\*\*[^*]*SHA-256[^]*?\*\/\s*checksumSha256: string/, 'SiteAsset fields are documented');
  assert.match(types, /signal\?: AbortSignal/);
});

test('the TypeScript example runs and does what its types say', async () => {
  const out = mkdtempSync(join(here, '.build-'));
  const db = sqliteDb();
  try {
    execFileSync(join(pkg, 'node_modules', '.bin', 'tsc'), ['-p', join(here, 'tsconfig.json'), '--noEmit', 'false', '--outDir', out], { stdio: 'inherit' });
    // The emitted CommonJS resolves `sitebuilder` from tests/node/node_modules, as a user's would.
    writeFileSync(join(out, 'package.json'), '{"type": "commonjs"}');
    const { example } = require(join(out, 'example.js'));
    const { outcome, pages, phases, asset, downloaded, usage, stats, abortedCode } = await example(db.url, join(db.dir, 'assets'));
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.provider, 'offline');
    assert.ok(pages.length > 0);
    assert.equal(pages.filter((p) => p.type === 'home').length, 1);
    assert.ok(phases.includes('DONE'));
    assert.equal(asset.contentType, 'image/svg+xml');
    assert.equal(asset.uploadedBy, 'ana');
    assert.ok(Buffer.isBuffer(downloaded) && downloaded.length === asset.sizeBytes);
    assert.deepEqual(usage, { usedBytes: asset.sizeBytes, quotaBytes: 10 * 1024 * 1024 });
    assert.equal(abortedCode, 'cancelled');
    const structure = stats.find((s) => s.functionName === 'generate_site_structure');
    assert.ok(structure && structure.succeeded >= 2, JSON.stringify(stats));
  } finally {
    rmSync(out, { recursive: true, force: true });
    db.cleanup();
  }
});


