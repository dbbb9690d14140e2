// Idempotency keys and the prompt-override permission on the Node router (Express and Fastify,
// real HTTP, PostgreSQL), and `{ idempotencyKey }` on the library's write methods.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SiteBuilder } from 'sitebuilder';

import { sqliteDb } from './helpers.mjs';
import { send, snapshot, startHost } from './hostile-support.mjs';

const newAccount = () => String(Math.floor(Math.random() * 1e9) + 1000);

for (const framework of ['express', 'fastify']) {
  test(`${framework}: a retried generation answers the first result and charges once`, async () => {
    const host = await startHost(framework);
    try {
      const account = newAccount();
      const headers = { 'x-account-id': account };
      await host.sb.grantCredits(Number(account), 120);
      const bp = (await send(host.base, 'POST', 'blueprints/', { body: { name: 'Retry', description: 'A family bakery in Porto selling bread and pastries.' }, headers })).data;
      const keyed = { ...headers, 'idempotency-key': 'gen-1' };
      const first = await send(host.base, 'POST', `blueprints/${bp.id}/generate_structure/`, { body: {}, headers: keyed });
      assert.equal(first.status, 200, first.text);
      const again = await send(host.base, 'POST', `blueprints/${bp.id}/generate_structure/`, { body: {}, headers: keyed });
      assert.deepEqual([again.status, again.data], [first.status, first.data]);
      assert.equal(await host.sb.balance(Number(account)), 70);
      // The same key with another request: 409, nothing written.
      const before = snapshot(host.schema);
      const other = await send(host.base, 'POST', 'blueprints/', { body: { name: 'Other' }, headers: keyed });
      assert.deepEqual([other.status, other.data.code], [409, 'conflict']);
      assert.equal(snapshot(host.schema), before);
      // Keys are per account: another account's `gen-1` is its own.
      const created = await send(host.base, 'POST', 'blueprints/', { body: { name: 'Mine' }, headers: { 'x-account-id': newAccount(), 'idempotency-key': 'gen-1' } });
      assert.equal(created.status, 201, created.text);
      // A keyed delete answers 204 again on retry.
      const del = { ...headers, 'idempotency-key': 'del-1' };
      assert.equal((await send(host.base, 'DELETE', `blueprints/${bp.id}/`, { headers: del })).status, 204);
      assert.equal((await send(host.base, 'DELETE', `blueprints/${bp.id}/`, { headers: del })).status, 204);
      assert.equal((await send(host.base, 'DELETE', `blueprints/${bp.id}/`, { headers })).status, 404);
    } finally {
      await host.close();
    }
  });

  test(`${framework}: prompt overrides need the host's allowPromptOverride`, async () => {
    const host = await startHost(framework);
    try {
      const account = newAccount();
      const headers = { 'x-account-id': account };
      await host.sb.grantCredits(Number(account), 500);
      const bp = (await send(host.base, 'POST', 'blueprints/', { body: { name: 'Chatbot', description: 'A family bakery in Porto selling bread and pastries.' }, headers })).data;
      const page = (await send(host.base, 'POST', `blueprints/${bp.id}/pages/`, { body: { slug: 'home', title: 'Home' }, headers })).data;
      const before = snapshot(host.schema);
      for (const [path, body] of [
        [`blueprints/${bp.id}/generate_structure/`, { prompt_override: 'Write me a poem' }],
        [`pages/${page.id}/generate_content/`, { prompt_override: 'Write me a poem' }],
        [`blueprints/${bp.id}/generate_all_pages/`, { prompt_override: 5 }],
      ]) {
        const out = await send(host.base, 'POST', path, { body, headers });
        assert.deepEqual([out.status, out.data.code], [403, 'prompt_override_forbidden'], path);
        assert.equal(out.data.message, out.data.error);
      }
      const template = { template: 'Plan the site for {{ blueprint.name }} as JSON.' };
      const refused = await send(host.base, 'PUT', 'prompts/site_structure_generation/', { body: template, headers });
      assert.equal(refused.status, 403);
      assert.equal(snapshot(host.schema), before);
      assert.equal(await host.sb.balance(Number(account)), 500);
      // The host's hook grants it (here: the `x-prompts: 1` header stands for a permission).
      const granted = { ...headers, 'x-prompts': '1' };
      assert.equal((await send(host.base, 'PUT', 'prompts/site_structure_generation/', { body: template, headers: granted })).status, 200);
      const run = await send(host.base, 'POST', `blueprints/${bp.id}/generate_structure/`, { body: { prompt_override: 'Plan {{ blueprint.name }}.' }, headers: granted });
      assert.notEqual(run.status, 403, run.text);
      assert.ok(run.status < 500, run.text);
    } finally {
      await host.close();
    }
  });
}

test('library: { idempotencyKey } on write methods', async () => {
  const db = sqliteDb();
  const sb = await SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' } });
  try {
    const account = Number(newAccount());
    const first = await sb.createBlueprint(account, 'Once', { idempotencyKey: 'lib-1' });
    assert.equal((await sb.createBlueprint(account, 'Once', { idempotencyKey: 'lib-1' })).id, first.id);
    await assert.rejects(sb.createBlueprint(account, 'Twice', { idempotencyKey: 'lib-1' }), { code: 'conflict' });
    await sb.grantCredits(account, 10, 'purchase', { idempotencyKey: 'grant-1' });
    await sb.grantCredits(account, 10, 'purchase', { idempotencyKey: 'grant-1' });
    assert.equal(await sb.balance(account), 10);
    const patched = await sb.updateBlueprint(account, first.id, { description: 'x', idempotencyKey: 'patch-1' });
    assert.equal(patched.description, 'x');
    await sb.updateBlueprint(account, first.id, { description: 'y' });
    assert.equal((await sb.updateBlueprint(account, first.id, { description: 'x', idempotencyKey: 'patch-1' })).description, 'x');
    const page = await sb.createPage(account, first.id, 'home', 'Home', { idempotencyKey: 'page-1' });
    assert.equal((await sb.createPage(account, first.id, 'home', 'Home', { idempotencyKey: 'page-1' })).id, page.id);
    await assert.rejects(sb.createBlueprint(account, 'Bad key', { idempotencyKey: 5 }), { code: 'invalid_input' });
  } finally {
    db.cleanup();
  }
});
