// Error codes: every code of the core's ERROR_CODES reaches JavaScript as `err.code` on an `Error`.
// Codes that a call can provoke are provoked through the API; the translation of every code is also
// checked through the native test hook, which raises a representative core error per code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ERROR_CODES, SiteBuilder, SiteBuilderError, errorCodes, isSiteBuilderError } from 'sitebuilder';

import { PG_BASE, completion, openAiProvider, openAiServer, pgSchema, sqliteDb, structureAnswer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const native = require('../../bindings-node/native/index.js');

const provoked = new Set();

/** Asserts that `promise` rejects with a SiteBuilderError of `code`, and records the code. */
async function rejectsWith(promise, code, check = () => {}) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, 'an Error');
    assert.ok(err instanceof SiteBuilderError, `a SiteBuilderError, got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.code, code, err.message);
    assert.doesNotMatch(err.message, /sitebuilder-error/, 'the machine tag is stripped from the message');
    check(err);
    return true;
  });
  provoked.add(code);
}

test('ERROR_CODES mirrors the core list', () => {
  assert.deepEqual([...ERROR_CODES], errorCodes());
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  for (const code of ['invalid_input', 'not_found', 'insufficient_credits', 'provider_unavailable', 'migration_required']) {
    assert.ok(ERROR_CODES.includes(code), code);
  }
});

test('every core code is translated to err.code with its fields (test hook)', () => {
  for (const code of ERROR_CODES) {
    // The wrapped export goes through the JavaScript layer; the raw one shows what napi gives.
    assert.throws(
      () => require('sitebuilder').__errorSample(code),
      (err) => err instanceof SiteBuilderError && err.code === code && isSiteBuilderError(err, code),
      code,
    );
    assert.throws(() => native.__errorSample(code), (err) => err.code === 'GenericFailure' && err.message.includes(`"code":"${code}"`));
  }
  try {
    require('sitebuilder').__errorSample('insufficient_credits');
  } catch (err) {
    assert.equal(err.required, 50);
    assert.equal(err.available, 3);
    assert.equal(err.name, 'SiteBuilderError');
    assert.ok(err.cause instanceof Error, 'the native error is the cause');
  }
  try {
    require('sitebuilder').__errorSample('database');
  } catch (err) {
    assert.match(err.message, /caused by|pool timed out/i, 'the cause chain is in the message');
  }
  try {
    require('sitebuilder').__errorSample('migration_checksum_mismatch');
  } catch (err) {
    assert.equal(err.migration, '0001_sample');
    assert.equal(err.name, 'SiteBuilderError');
  }
  try {
    require('sitebuilder').__errorSample('invalid_ai_output');
  } catch (err) {
    assert.equal(err.attempts, 2);
    assert.deepEqual(err.errors, ['pages: missing']);
  }
});

describe('codes provoked through the API', () => {
  let db;
  let server;
  let sb;
  let respond = () => ({ body: completion(structureAnswer()) });

  before(async () => {
    db = sqliteDb();
    server = await openAiServer((body) => respond(body));
    sb = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server) });
    await sb.grantCredits(1, 100_000);
  });

  after(async () => {
    await server?.close();
    db?.cleanup();
  });

  async function blueprint() {
    return sb.createBlueprint(1, { name: 'Errors', config: { businessBrief: 'A bakery in Porto' } });
  }

  test('invalid_input: bad values, unknown enum strings, wrong argument types', async () => {
    await rejectsWith(sb.createBlueprint(1, { name: '' }), 'invalid_input');
    await rejectsWith(sb.createBlueprint(1, { name: 'x', hostingType: 'ftp' }), 'invalid_input');
    await rejectsWith(sb.getBlueprint('one', 1), 'invalid_input');
    await rejectsWith(SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'carrier-pigeon' } }), 'invalid_input');
    await rejectsWith(SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'openai', model: 'm' } }), 'invalid_input', (err) =>
      assert.match(err.message, /baseUrl/),
    );
    await rejectsWith(SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'fallback', providers: [] } }), 'invalid_input', (err) =>
      assert.match(err.message, /providers/),
    );
  });

  test('not_found', async () => {
    await rejectsWith(sb.getBlueprint(1, 987654), 'not_found', (err) => assert.equal(err.id, '987654'));
    await rejectsWith(sb.run('no_such_function', {}, 1), 'not_found');
  });

  test('conflict: a duplicate page slug', async () => {
    const bp = await blueprint();
    await sb.createPage(1, bp.id, { slug: 'home', title: 'Home', type: 'home' });
    await rejectsWith(sb.createPage(1, bp.id, { slug: 'home', title: 'Again', type: 'custom' }), 'conflict');
  });

  test('insufficient_credits with required and available', async () => {
    const bp = await sb.createBlueprint(99, { name: 'Poor', config: { businessBrief: 'x' } });
    await rejectsWith(sb.generateStructure(99, bp.id), 'insufficient_credits', (err) => {
      assert.equal(err.required, 50);
      assert.equal(err.available, 0);
    });
  });

  test('provider_rejected: HTTP 401 from the model server', async () => {
    respond = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } });
    try {
      await rejectsWith(sb.generateStructure(1, (await blueprint()).id), 'provider_rejected', (err) => assert.equal(err.status, 401));
    } finally {
      respond = () => ({ body: completion(structureAnswer()) });
    }
  });

  test('ai_refused: the model refuses', async () => {
    respond = () => ({ body: completion('', 'test-model', { message: { content: null, refusal: 'I cannot help with that.' } }) });
    try {
      await rejectsWith(sb.generateStructure(1, (await blueprint()).id), 'ai_refused');
    } finally {
      respond = () => ({ body: completion(structureAnswer()) });
    }
  });

  test('ai_output_truncated: finish_reason length', async () => {
    respond = () => ({ body: completion('{"site": {"name": "Por', 'test-model', { finish_reason: 'length' }) });
    try {
      await rejectsWith(sb.generateStructure(1, (await blueprint()).id), 'ai_output_truncated');
    } finally {
      respond = () => ({ body: completion(structureAnswer()) });
    }
  });

  test('invalid_ai_output: the model never answers with a valid structure', async () => {
    respond = () => ({ body: completion('{"site": {"name": "x"}, "pages": []}') });
    const balance = await sb.balance(1);
    try {
      await rejectsWith(sb.generateStructure(1, (await blueprint()).id), 'invalid_ai_output', (err) => {
        assert.ok(err.attempts >= 1);
        assert.ok(Array.isArray(err.errors) && err.errors.length > 0);
      });
    } finally {
      respond = () => ({ body: completion(structureAnswer()) });
    }
    assert.equal(await sb.balance(1), balance, 'a failed run charges nothing');
  });

  test('provider_unavailable: nothing listens on the port', async () => {
    const gone = await openAiServer();
    await gone.close();
    const offline = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(gone, { maxRetries: 0, timeoutSecs: 2 }) });
    const bp = await offline.createBlueprint(1, { name: 'Down', config: { businessBrief: 'x' } });
    await rejectsWith(offline.generateStructure(1, bp.id), 'provider_unavailable', (err) => assert.match(err.provider, /openai/));
  });

  test('migration_required: a fresh database opened without auto-migration', async () => {
    const fresh = sqliteDb();
    try {
      const lazy = await SiteBuilder.open({ databaseUrl: fresh.url, autoMigrate: false, provider: { kind: 'offline' } });
      await rejectsWith(lazy.metadata(), 'migration_required', (err) => assert.ok(err.pending.length > 0));
      const status = await lazy.migrationStatus();
      assert.ok(status.every((m) => m.applied === false));
      await lazy.migrate();
      assert.ok((await lazy.metadata()).businessTypes.length > 0);
    } finally {
      fresh.cleanup();
    }
  });

  test('cancelled: waitTask gives up before a slow run finishes', async () => {
    respond = () => ({ body: completion(structureAnswer()), delayMs: 400 });
    try {
      const taskId = await sb.dispatch('generate_site_structure', { blueprint_id: (await blueprint()).id }, 1);
      await rejectsWith(sb.waitTask(1, taskId, 0.02), 'cancelled');
      const done = await sb.waitTask(1, taskId, 10);
      assert.equal(done.status, 'succeeded');
    } finally {
      respond = () => ({ body: completion(structureAnswer()) });
    }
  });

  test('quota_exceeded and file_storage: site assets over the quota, and a file changed on disk', async () => {
    const root = join(db.dir, 'assets');
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b2c1c20000000049454e44ae426082',
      'hex',
    );
    const small = await SiteBuilder.open({ databaseUrl: db.url, provider: openAiProvider(server), assets: { root, accountQuotaBytes: png.length + 10 } });
    const bp = await blueprint();
    const asset = await small.uploadAsset(1, bp.id, 'logo.png', png);
    await rejectsWith(small.uploadAsset(1, bp.id, 'second.png', png), 'quota_exceeded', (err) => assert.match(err.message, /quota/));
    // Bytes changed behind the library's back fail the checksum check on download.
    writeFileSync(join(root, asset.key), Buffer.concat([png.subarray(0, png.length - 1), Buffer.from([0])]));
    await rejectsWith(small.downloadAsset(1, asset.id), 'file_storage', (err) => assert.match(err.message, /checksum/));
  });

  test('configuration: an unsupported database URL', async () => {
    await rejectsWith(SiteBuilder.open({ databaseUrl: 'mysql://root@127.0.0.1/x', provider: { kind: 'offline' } }), 'configuration');
  });

  test('database: a PostgreSQL database that does not exist', async () => {
    const url = PG_BASE.replace(/\/[^/]*$/, '/sitebuilder_no_such_database');
    await rejectsWith(SiteBuilder.open({ databaseUrl: url, provider: { kind: 'offline' } }), 'database');
  });

  test('migration_checksum_mismatch: an edited migration history', async () => {
    const pg = pgSchema();
    try {
      await SiteBuilder.open({ databaseUrl: pg.url, provider: { kind: 'offline' } });
      execFileSync('psql', [PG_BASE, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `UPDATE ${pg.schema}.igny8_sb_migrations SET checksum = 'edited' WHERE version = 1`]);
      await rejectsWith(SiteBuilder.open({ databaseUrl: pg.url, provider: { kind: 'offline' } }), 'migration_checksum_mismatch', (err) =>
        assert.match(err.migration, /^0001_/),
      );
    } finally {
      pg.cleanup();
    }
  });

  test('schema_mismatch: Django tables without the columns the library needs', async () => {
    const pg = pgSchema();
    try {
      const sql = [
        `CREATE TABLE ${pg.schema}.django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL DEFAULT now())`,
        `INSERT INTO ${pg.schema}.django_migrations (app, name) VALUES ('site_building', '0001_initial')`,
        `CREATE TABLE ${pg.schema}.igny8_site_blueprints (id bigserial PRIMARY KEY, name varchar(255) NOT NULL)`,
        `CREATE TABLE ${pg.schema}.igny8_page_blueprints (id bigserial PRIMARY KEY, slug varchar(255) NOT NULL)`,
      ];
      for (const s of sql) execFileSync('psql', [PG_BASE, '-q', '-v', 'ON_ERROR_STOP=1', '-c', s]);
      await rejectsWith(SiteBuilder.open({ databaseUrl: pg.url, provider: { kind: 'offline' } }), 'schema_mismatch', (err) =>
        assert.ok(err.missing.some((c) => c.endsWith('.tenant_id')), JSON.stringify(err.missing)),
      );
    } finally {
      pg.cleanup();
    }
  });

  after(() => {
    // Codes that no call can provoke on a healthy machine are covered by the test hook above.
    const hookOnly = ERROR_CODES.filter((c) => !provoked.has(c));
    assert.deepEqual(hookOnly, ['json'], `provoked: ${[...provoked].sort()}`);
  });
});
