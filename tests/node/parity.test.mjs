// Node against the core's operations catalogue: every operation present under the camelCase of its
// name, its declared arguments in the catalogue's order, and answers shaped like the core's response
// schema; the generated ops.d.ts is current.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SiteBuilder, catalogue } from 'sitebuilder';

import { sqliteDb } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = dirname(createRequire(import.meta.url).resolve('sitebuilder'));
const CATALOGUE = JSON.parse(readFileSync(join(root, 'core', 'catalogue.json'), 'utf8'));
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Every declared signature of each SiteBuilder method: parameter names in order. */
function declaredSignatures() {
  const out = new Map();
  const add = (name, params) => {
    const names = params
      .split(/,(?![^{<]*[}>])/)
      .map((p) => p.trim().split(/[?:]/)[0].trim())
      .filter(Boolean);
    out.set(name, [...(out.get(name) || []), names]);
  };
  const nativeDts = readFileSync(join(pkg, 'native', 'index.d.ts'), 'utf8');
  const body = nativeDts.slice(nativeDts.indexOf('export declare class SiteBuilder'));
  for (const m of body.slice(0, body.indexOf('\n}\n')).matchAll(/^ {2}(?:static )?(\w+)\((.*)\)/gm)) add(m[1], m[2]);
  const opsDts = readFileSync(join(pkg, 'ops.d.ts'), 'utf8');
  for (const m of opsDts.matchAll(/^ {4}(\w+)\((.*)\): Promise/gm)) add(m[1], m[2]);
  return out;
}

test('ops.d.ts is generated from the current catalogue', () => {
  execFileSync(process.execPath, [join(pkg, 'scripts', 'gen_ops.mjs'), '--check'], { stdio: 'pipe' });
});

test('the native addon serves the same catalogue', () => {
  assert.deepEqual(JSON.parse(catalogue()), CATALOGUE);
});

test('every operation is a method named in camelCase, taking the catalogue arguments in order', () => {
  const signatures = declaredSignatures();
  for (const op of CATALOGUE.operations) {
    const name = camel(op.name);
    assert.equal(op.node_name, name);
    assert.equal(typeof SiteBuilder.prototype[name], 'function', `SiteBuilder.${name} is missing`);
    const expected = op.args.map(camel);
    const declared = signatures.get(name) || [];
    assert.ok(
      declared.some((params) => expected.every((arg, i) => params[i] === arg) && params.length <= expected.length + 1),
      `${name}: declared ${JSON.stringify(declared)}, catalogue ${JSON.stringify(expected)} (+ options)`,
    );
  }
});

/** Keys of `value` must be the response schema's properties (camelCase), required ones present. */
function assertShape(op, value) {
  const defs = op.response.$defs || {};
  let schema = op.response;
  if (schema.type === 'array') {
    assert.ok(Array.isArray(value), `${op.name} answers an array`);
    if (value.length === 0) return;
    schema = schema.items;
    value = value[0];
  }
  if (schema.$ref) schema = defs[schema.$ref.split('/').pop()];
  if (!schema.properties) return;
  const allowed = new Set(Object.keys(schema.properties).map(camel));
  for (const key of Object.keys(value)) assert.ok(allowed.has(key) || key === 'extra', `${op.name}: unexpected key ${key}`);
  for (const key of schema.required || []) assert.ok(camel(key) in value, `${op.name}: missing ${camel(key)}`);
}

test('answers have the core response shape, new operations included', async () => {
  const db = sqliteDb();
  try {
    const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
    const ops = Object.fromEntries(CATALOGUE.operations.map((op) => [op.name, op]));
    const tx = await sb.grantCredits(1, 100, 'welcome');
    assertShape(ops.grant_credits, tx);
    const bp = await sb.createBlueprint({ accountId: 1, siteId: 4 }, 'Parity', { config: { businessBrief: 'Florist in Faro' } });
    assert.equal(bp.siteId, 4);
    assertShape(ops.get_blueprint, await sb.getBlueprint(1, bp.id));
    const outcome = await sb.generateStructure(1, bp.id, { taskId: 'parity-node' });
    assertShape(ops.generate_structure, outcome);
    assertShape(ops.task, await sb.task(1, 'parity-node'));
    const ledger = await sb.listTransactions(1);
    assertShape(ops.list_transactions, ledger);
    assert.ok(ledger[0].createdAt instanceof Date);
    const usage = await sb.listUsage(1);
    assertShape(ops.list_usage, usage);
    assert.equal(usage[0].creditsUsed, 50);
    const pages = await sb.listPages(1, bp.id);
    const reordered = await sb.reorderPages(1, bp.id, pages.map((p) => p.id).reverse());
    assert.deepEqual(reordered.map((p) => p.id), pages.map((p) => p.id).reverse());
    const page = await sb.createPage(1, bp.id, 'extra', 'Extra', { order: 99 });
    assert.equal(page.title, 'Extra');

    const option = await sb.createOption('business_type', 'Parity bakery', { description: 'test' });
    assertShape(ops.create_option, option);
    const hidden = await sb.updateOption('business_type', option.id, { isActive: false });
    assert.equal(hidden.isActive, false);
    assert.ok(!(await sb.listOptions('business_type')).some((o) => o.id === option.id));
    assert.ok((await sb.listOptions('business_type', { includeInactive: true })).some((o) => o.id === option.id));
    const policy = await sb.creditPolicy();
    assert.equal(policy.costs.site_structure_generation.credits, 50);
    assertShape(ops.metadata, await sb.metadata());
    assertShape(ops.asset_usage, await sb.assetUsage(1));
    assert.equal(await sb.balance(1), 50);
    await assert.rejects(sb.listOptions('no_such_kind'), (err) => err.code === 'invalid_input');
    await assert.rejects(sb.getBlueprint(2, bp.id), (err) => err.code === 'not_found' && err.entity === 'site_blueprint');
  } finally {
    db.cleanup();
  }
});
