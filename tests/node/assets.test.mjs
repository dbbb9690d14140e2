// Site assets through the binding, on SQLite and PostgreSQL with a real local asset folder: the
// round trip (Buffer and Uint8Array in, Buffer out, bytes on disk), refusals that leave nothing on
// disk, the per-file and per-account limits, and tenant isolation.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SiteBuilder, SiteBuilderError } from 'sitebuilder';

import { BACKENDS } from './helpers.mjs';

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b2c1c20000000049454e44ae426082',
  'hex',
);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="teal"/></svg>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Every file under `dir` (recursively), as paths relative to it; none when `dir` is missing. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((p) => statSync(join(dir, p)).isFile());
}

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof SiteBuilderError, `a SiteBuilderError, got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

for (const [backend, makeDb] of BACKENDS) {
  describe(`site assets (${backend})`, () => {
    let db;
    let root;
    let sb;
    const QUOTA = 4096;
    const MAX_FILE = 2048;

    before(async () => {
      db = makeDb();
      root = mkdtempSync(join(tmpdir(), 'sitebuilder-node-assets-'));
      sb = await SiteBuilder.open({
        databaseUrl: db.url,
        provider: { kind: 'offline' },
        assets: { root, maxFileBytes: MAX_FILE, accountQuotaBytes: QUOTA },
      });
    });

    after(() => {
      db?.cleanup();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    test('round trip: upload, list, download, usage, delete', async () => {
      const bp = await sb.createBlueprint({ accountId: 11, siteId: 5, sectorId: 6 }, { name: 'Assets' });
      const png = await sb.uploadAsset(11, bp.id, 'logo.png', PNG, { uploadedBy: 'ana@example.com' });
      assert.equal(png.accountId, 11);
      assert.equal(png.siteBlueprintId, bp.id);
      assert.equal(png.siteId, 5, 'site copied from the blueprint');
      assert.equal(png.sectorId, 6, 'sector copied from the blueprint');
      assert.equal(png.fileName, 'logo.png');
      assert.equal(png.contentType, 'image/png');
      assert.equal(png.sizeBytes, PNG.length);
      assert.equal(png.checksumSha256, sha256(PNG));
      assert.equal(png.uploadedBy, 'ana@example.com');
      assert.ok(png.createdAt instanceof Date && Date.now() - png.createdAt.getTime() < 60_000);
      assert.ok(png.key.startsWith(`11/${bp.id}/`), png.key);
      assert.deepEqual(readFileSync(join(root, png.key)), PNG, 'the bytes are in the asset folder under the key');

      // A plain Uint8Array is accepted as well as a Buffer.
      const svg = await sb.uploadAsset(11, bp.id, 'mark.svg', SVG);
      assert.equal(svg.contentType, 'image/svg+xml');
      assert.equal(svg.uploadedBy ?? null, null);

      const listed = await sb.listAssets(11, bp.id);
      assert.deepEqual(listed.map((a) => a.id), [png.id, svg.id], 'oldest first');

      const { asset, data } = await sb.downloadAsset(11, png.id);
      assert.ok(Buffer.isBuffer(data), 'bytes come back as a Buffer');
      assert.deepEqual(data, PNG);
      assert.equal(asset.id, png.id);
      assert.deepEqual((await sb.downloadAsset(11, svg.id)).data, Buffer.from(SVG));

      assert.deepEqual(await sb.assetUsage(11), { usedBytes: PNG.length + SVG.length, quotaBytes: QUOTA });

      await sb.deleteAsset(11, png.id);
      assert.ok(!existsSync(join(root, png.key)), 'the file is gone');
      assert.deepEqual((await sb.listAssets(11, bp.id)).map((a) => a.id), [svg.id]);
      assert.deepEqual(await sb.assetUsage(11), { usedBytes: SVG.length, quotaBytes: QUOTA });
      await rejectsWith(sb.downloadAsset(11, png.id), 'not_found');
      await rejectsWith(sb.deleteAsset(11, png.id), 'not_found');
    });

    test('refused files leave nothing on disk and use no quota', async () => {
      const bp = await sb.createBlueprint(12, { name: 'Refusals' });
      const before = filesUnder(root).length;
      // HTML named .png: the name does not decide the type, the content does.
      await rejectsWith(sb.uploadAsset(12, bp.id, 'photo.png', Buffer.from('<!DOCTYPE html><html><body>hi</body></html>')), 'invalid_input');
      // Malformed: an SVG that could run script, a PNG named .pdf, unknown binary, a path in the name, no bytes.
      await rejectsWith(sb.uploadAsset(12, bp.id, 'badge.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')), 'invalid_input');
      await rejectsWith(sb.uploadAsset(12, bp.id, 'brochure.pdf', PNG), 'invalid_input');
      await rejectsWith(sb.uploadAsset(12, bp.id, 'blob.png', Buffer.from([0x00, 0x13, 0x37, 0x42, 0x99, 0xff, 0x10, 0x20])), 'invalid_input');
      await rejectsWith(sb.uploadAsset(12, bp.id, '../../etc/logo.png', PNG), 'invalid_input');
      await rejectsWith(sb.uploadAsset(12, bp.id, 'empty.png', Buffer.alloc(0)), 'invalid_input');
      await rejectsWith(sb.uploadAsset(12, bp.id, 'logo.png', 'not bytes'), 'invalid_input');
      assert.equal(filesUnder(root).length, before, `nothing written: ${filesUnder(root)}`);
      assert.deepEqual(await sb.listAssets(12, bp.id), []);
      assert.equal((await sb.assetUsage(12)).usedBytes, 0);
      // The same blueprint still takes a good file.
      const pdf = await sb.uploadAsset(12, bp.id, 'brochure.pdf', PDF);
      assert.equal(pdf.contentType, 'application/pdf');
    });

    test('quota_exceeded: a file over maxFileBytes, then an account over its quota', async () => {
      const bp = await sb.createBlueprint(13, { name: 'Limits' });
      const big = Buffer.concat([PNG, Buffer.alloc(MAX_FILE)]);
      await rejectsWith(sb.uploadAsset(13, bp.id, 'big.png', big), 'quota_exceeded');
      // Fill the quota with valid files until the next one does not fit.
      const svg = Buffer.concat([Buffer.from(SVG.subarray(0, SVG.length - 6)), Buffer.from(`<!--${'x'.repeat(1500)}--></svg>`)]);
      const fits = Math.floor(QUOTA / svg.length);
      assert.ok(fits >= 1 && svg.length <= MAX_FILE);
      for (let i = 0; i < fits; i++) await sb.uploadAsset(13, bp.id, `fill-${i}.svg`, svg);
      const before = filesUnder(root).length;
      await rejectsWith(sb.uploadAsset(13, bp.id, 'one-too-many.svg', svg), 'quota_exceeded');
      assert.equal(filesUnder(root).length, before, 'the refused file is not on disk');
      assert.deepEqual(await sb.assetUsage(13), { usedBytes: fits * svg.length, quotaBytes: QUOTA });
      // Deleting a file frees its bytes for the next upload.
      const [first] = await sb.listAssets(13, bp.id);
      await sb.deleteAsset(13, first.id);
      await sb.uploadAsset(13, bp.id, 'fits-again.svg', svg);
    });

    test("another account's blueprint and assets are not_found, and stay intact", async () => {
      const bp = await sb.createBlueprint(14, { name: 'Mine' });
      const mine = await sb.uploadAsset(14, bp.id, 'logo.png', PNG);
      await rejectsWith(sb.downloadAsset(15, mine.id), 'not_found');
      await rejectsWith(sb.downloadAsset({ accountId: 15 }, mine.id), 'not_found');
      await rejectsWith(sb.listAssets(15, bp.id), 'not_found');
      await rejectsWith(sb.deleteAsset(15, mine.id), 'not_found');
      await rejectsWith(sb.uploadAsset(15, bp.id, 'intruder.png', PNG), 'not_found');
      assert.deepEqual((await sb.downloadAsset(14, mine.id)).data, PNG, 'still there for its owner');
      assert.equal((await sb.assetUsage(15)).usedBytes, 0);
    });

    test('negative limits are refused when opening', async () => {
      await rejectsWith(SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' }, assets: { root, accountQuotaBytes: -1 } }), 'invalid_input');
      await rejectsWith(SiteBuilder.open({ databaseUrl: db.url, provider: { kind: 'offline' }, assets: { root, maxFileBytes: 0 } }), 'configuration');
    });
  });
}
