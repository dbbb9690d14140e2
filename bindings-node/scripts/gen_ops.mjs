// Generates `ops.d.ts`: the methods `ops.js` builds on `SiteBuilder` from the core's catalogue
// (`core/catalogue.json`) and every record, input and enum type they use, from the JSON Schemas.
// `node scripts/gen_ops.mjs` rewrites it; `--check` exits 1 when it is out of date
// (tests/node/parity.test.mjs runs it). `native/index.d.ts` declares only what JSON cannot carry.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const target = join(here, '..', 'ops.d.ts');
const catalogue = JSON.parse(readFileSync(join(root, 'core', 'catalogue.json'), 'utf8'));
const nativeDts = readFileSync(join(here, '..', 'native', 'index.d.ts'), 'utf8');

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const doc = (text, indent = '') => (text ? `${indent}/** ${text.replace(/\s*\n\s*/g, ' ')} */\n` : '');
const SCOPE = ['account_id', 'site_id', 'sector_id'];

/** Types the native declarations export (used as they are), and the native SiteBuilder's methods. */
const exportedTypes = new Set([...nativeDts.matchAll(/export (?:interface|type|declare class) (\w+)/g)].map((m) => m[1]));
const classBody = nativeDts.slice(nativeDts.indexOf('export declare class SiteBuilder'));
const nativeMethods = new Set([...classBody.slice(0, classBody.indexOf('\n}\n')).matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]));

/** Record names the catalogue's schemas give differently from the package's long-standing ones. */
const RENAMES = { Paged: 'BlueprintList' };
/** Request objects exported under a name: the options object of these operations. */
const INPUTS = { create_blueprint: 'NewBlueprint', create_page: 'NewPage', update_blueprint: 'BlueprintPatch', update_page: 'PagePatch', list_blueprints: 'BlueprintQuery' };

const generated = new Map();

/**
 * The TypeScript type of `schema`. `input`: a request's (fields with defaults optional; objects
 * named `…Input`); otherwise a response's (every field present, `null` where the schema allows).
 */
function tsType(schema, defs, input) {
  if (schema === undefined || schema === true || Object.keys(schema).filter((k) => !['description', 'default'].includes(k)).length === 0) return 'any';
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    return declare(name, defs[name], defs, input);
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf || schema.oneOf;
  if (alternatives) {
    if (alternatives.every((s) => s.const !== undefined)) return alternatives.map((s) => JSON.stringify(s.const)).join(' | ');
    return alternatives.map((s) => tsType(s, defs, input)).join(' | ');
  }
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types
    .map((t) => {
      if (t === 'integer' || t === 'number') return 'number';
      if (t === 'string') return schema.format === 'date-time' ? 'Date' : 'string';
      if (t === 'boolean') return 'boolean';
      if (t === 'null') return 'null';
      if (t === 'array') return `Array<${tsType(schema.items, defs, input)}>`;
      if (t === 'object') {
        if (!schema.properties) return 'Record<string, any>';
        if (!schema.title) return inline(schema, defs, input);
        return declare(schema.title, schema, defs, input);
      }
      return 'any';
    })
    .join(' | ');
}

/** An untitled object (a variant of a tagged union, passed as is): its literal type, keys as the core spells them. */
function inline(schema, defs, input) {
  const required = new Set(schema.required || []);
  const fields = Object.entries(schema.properties).map(([key, prop]) => `${key}${required.has(key) ? '' : '?'}: ${tsType(prop, defs, input)}`);
  return `{ ${fields.join('; ')} }`;
}

const nullable = (schema) => JSON.stringify(schema.type ?? '').includes('null') || (schema.anyOf || []).some((s) => s.type === 'null');

/** The fields of an object schema, optional per `input` (see `tsType`), minus `skip`. */
function fields(schema, defs, input, skip = [], required = []) {
  const must = new Set([...(input ? schema.required || [] : []), ...required]);
  const lines = Object.entries(schema.properties)
    .filter(([key]) => !skip.includes(key))
    .map(([key, prop]) => {
      const optional = must.has(key) ? false : input || nullable(prop);
      return `${doc(prop.description, '  ')}  ${camel(key)}${optional ? '?' : ''}: ${tsType(prop, defs, input)}`;
    });
  if (schema.additionalProperties === true && !('extra' in schema.properties)) {
    lines.push(`  /** Keys the library does not know, kept as they are. */\n  extra${input ? '?' : ''}: Record<string, any>`);
  }
  return lines.join('\n');
}

/** An interface (object) or a type alias (enum) for a named schema; returns the name used. */
function declare(name, schema, defs, input) {
  name = RENAMES[name] || name;
  if (!schema) return 'any';
  const isObject = Boolean(schema.properties);
  const typeName = isObject && input ? `${name}Input` : name;
  if (exportedTypes.has(typeName)) return typeName;
  if (!generated.has(typeName)) {
    generated.set(typeName, '');
    const body = isObject ? `export interface ${typeName} {\n${fields(schema, defs, input)}\n}` : `export type ${typeName} = ${tsType(schema, defs, input)}`;
    generated.set(typeName, `${doc(schema.description)}${body}`);
  }
  return typeName;
}

const isRun = (op) => 'prompt_override' in (op.request.properties || {});
/** Writes of an account take `{ idempotencyKey }` (ops.js hands it to the native `call`). */
const keyed = (op) => !op.read_only && 'account_id' in (op.request.properties || {});
generated.set('Keyed', `${doc('The option of every write of an account: a retry with the same key answers the first result and charges once; the same key with another request is a conflict.')}export interface Keyed {\n  idempotencyKey?: string\n}`);
const withKey = (op, type) => (keyed(op) ? `${type} & Keyed` : type);

/** Parameters of `op`'s method: its positional arguments, then an options object. */
function params(op) {
  const props = op.request.properties || {};
  const defs = op.request.$defs || {};
  const required = new Set(op.request.required || []);
  // An argument may be left out only when every one after it may be too.
  const optional = op.args.map((arg, i) => op.args.slice(i).every((a) => a !== 'scope' && !required.has(a)));
  const list = op.args.map((arg, i) => {
    if (arg === 'scope') return 'scope: number | Scope';
    const type = tsType(props[arg], defs, true);
    return optional[i] ? `${camel(arg)}?: ${type}` : `${camel(arg)}: ${required.has(arg) ? type : `${type} | undefined`}`;
  });
  const taken = [...op.args, ...(op.args.includes('scope') ? SCOPE : [])];
  const options = Object.keys(props).filter((key) => !taken.includes(key));
  if (INPUTS[op.name]) list.push(`options?: ${withKey(op, INPUTS[op.name])}`);
  else if (options.length > 0) {
    const inline = `{ ${options.map((key) => `${camel(key)}?: ${tsType(props[key], defs, true)}`).join('; ')} }`;
    list.push(`options?: ${withKey(op, isRun(op) ? `${inline} & RunOptions` : inline)}`);
  } else if (keyed(op)) list.push('options?: Keyed');
  return list;
}

function method(op, name, list, response) {
  response ??= op.response.type === 'null' ? 'void' : tsType(op.response, op.response.$defs || {}, false);
  return `${doc(op.doc, '    ')}    ${name}(${list.join(', ')}): Promise<${response}>`;
}

const methods = [];
const ops = Object.fromEntries(catalogue.operations.map((op) => [op.name, op]));
for (const op of catalogue.operations) {
  const name = camel(op.name);
  if (nativeMethods.has(name)) continue;
  const inputName = INPUTS[op.name];
  if (inputName) {
    const body = fields(op.request, op.request.$defs || {}, true, [...SCOPE, ...op.args.filter((a) => a !== 'scope' && !['name', 'slug', 'title'].includes(a))], ['name', 'slug']);
    generated.set(inputName, `${doc(`What \`${name}\` takes (the catalogue's \`${op.request.title}\` request without its scope).`)}export interface ${inputName} {\n${body}\n}`);
  }
  if (name === 'createBlueprint') {
    methods.push(method(op, name, ['scope: number | Scope', 'input: NewBlueprint']));
    methods.push(method(op, name, ['scope: number | Scope', 'name: string', "options?: Omit<NewBlueprint, 'name'> & Keyed"]));
  } else if (name === 'createPage') {
    methods.push(method(op, name, ['scope: number | Scope', 'blueprintId: number', 'input: NewPage']));
    methods.push(method(op, name, ['scope: number | Scope', 'blueprintId: number', 'slug: string', 'title: string', "options?: Omit<NewPage, 'slug' | 'title'> & Keyed"]));
  } else {
    methods.push(method(op, name, params(op)));
  }
  if (op.streams) {
    // stream.js: the same arguments, the run's progress events then its outcome.
    const response = op.response.type === 'null' ? 'void' : tsType(op.response, op.response.$defs || {}, false);
    const streamName = `stream${name[0].toUpperCase()}${name.slice(1)}`;
    methods.push(`${doc(`\`${name}\` watched as it happens: \`for await\` over its progress events (pages as they arrive), then its outcome; leaving the loop early cancels the run.`, '    ')}    ${streamName}(${params(op).join(', ')}): RunStream<${response}>`);
  }
}
const asset = tsType(ops.list_assets.response.items, ops.list_assets.response.$defs, false);
methods.push(
  method({ doc: 'Stores a file of a blueprint: a PNG, JPEG, WebP, GIF, script-free SVG or PDF whose name matches its content. Refused with nothing written: a bad name or a content mismatch (`invalid_input`), a file or account over its limit (`quota_exceeded`), another account\'s blueprint (`not_found`).' }, 'uploadAsset', ['scope: number | Scope', 'blueprintId: number', 'fileName: string', 'data: Buffer | Uint8Array', 'options?: { uploadedBy?: string }'], asset),
  method({ doc: 'An asset\'s record and bytes (verified against `asset.checksumSha256`); another account\'s asset is `not_found`, bytes changed in the store behind the library\'s back are `file_storage`.' }, 'downloadAsset', ['scope: number | Scope', 'assetId: number'], `{ asset: ${asset}; data: Buffer }`),
);

const text = `// GENERATED by scripts/gen_ops.mjs from core/catalogue.json: do not edit.
// The methods ops.js builds on SiteBuilder through the native generic \`call\`, and their types.
import type { CancelHandle, ProgressEvent, RunOptions } from './native/index';

/**
 * An AI run watched as it happens (what \`stream<Name>()\` returns): an async iterator of its
 * progress events (a streamed run's pages arrive as events whose \`partial\` is
 * \`{ kind: 'page', index, page }\`), then, last, its outcome. A failed run throws its
 * \`SiteBuilderError\` from the loop. \`break\`, \`cancel()\` or an aborted \`signal\` cancels the run:
 * it ends \`cancelled\` and nothing is charged.
 */
export declare class RunStream<T> implements AsyncIterableIterator<ProgressEvent | T> {
  private constructor()
  /** The handle that stops this run. */
  readonly cancelHandle: CancelHandle
  [Symbol.asyncIterator](): RunStream<T>
  next(): Promise<IteratorResult<ProgressEvent | T, undefined>>
  /** Called by \`break\` in \`for await\`: cancels a run still going. */
  return(): Promise<IteratorResult<ProgressEvent | T, undefined>>
  /** Stops the run if it is still going (it ends \`cancelled\`, nothing charged). */
  cancel(): void
}

/** Which account (and optionally which site and sector) a call acts for; a number is an account. */
export interface Scope {
  /** The owning account (stored in the seed's \`tenant_id\` column). */
  accountId: number
  /** The host's site id, when the host has sites. */
  siteId?: number | null
  /** The host's sector id, when the host has sectors. */
  sectorId?: number | null
}

${[...generated.keys()].sort().map((k) => generated.get(k)).join('\n\n')}

declare module './native/index' {
  interface SiteBuilder {
${methods.join('\n')}
  }
}
`;

if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('bindings-node/ops.d.ts is out of date: run node bindings-node/scripts/gen_ops.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
