// The READMEs' Node examples run as tests: bindings-node/README.md's and the top-level README's
// ("Using it from Node"). Each runs in a fresh directory against a fresh SQLite file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The ```js / ```mjs blocks that open a SiteBuilder (the runnable examples) of a Markdown file. */
function examples(markdown) {
  const blocks = [...markdown.matchAll(/```(?:js|mjs|javascript)\n([^]*?)```/g)].map((m) => m[1]);
  return blocks.filter((code) => code.includes('SiteBuilder.open('));
}

function runExample(code) {
  // The script lives next to the tests so `sitebuilder` resolves; it runs in an empty directory.
  const script = join(here, `.build-readme-${process.pid}-${Date.now()}.mjs`);
  const cwd = mkdtempSync(join(tmpdir(), 'sitebuilder-readme-'));
  writeFileSync(script, code);
  try {
    return execFileSync(process.execPath, [script], { cwd, encoding: 'utf8', env: { ...process.env, SITEBUILDER_AI_BASE_URL: '', OPENAI_API_KEY: '', SITEBUILDER_AI_API_KEY: '' } });
  } finally {
    rmSync(script, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** What the Node example prints when it works: progress, the charge, the sitemap, the refusal. */
function assertExampleOutput(out) {
  assert.match(out, /DONE 100%/);
  assert.match(out, /succeeded 50 credits/);
  assert.match(out, /\bhome\b/);
  assert.match(out, /needs 50 credits, has 0/);
}

test('bindings-node/README.md example runs', () => {
  const found = examples(readFileSync(join(root, 'bindings-node', 'README.md'), 'utf8'));
  assert.equal(found.length, 1, 'one runnable example');
  assertExampleOutput(runExample(found[0]));
});

test("top-level README's Node example runs", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.match(readme, /^## Using it from Node$/m, 'the top-level README has a Node section');
  const found = examples(readme);
  assert.equal(found.length, 1, 'one runnable Node example in the top-level README');
  const out = runExample(found[0]);
  assertExampleOutput(out);
  // The example picks the fitting type: a café gets its menu and table booking, and the owner's
  // to-fill list is printed.
  assert.match(out, /\bmenu\b/);
  assert.match(out, /\breservations\b/);
  assert.match(out, /to fill: \/\w+ Add /);
});
