// Generates `ops.d.ts`: the types of the operations `ops.js` adds to `SiteBuilder` from the core's
// catalogue (`core/catalogue.json`), and the catalogue-order overloads of createBlueprint and
// createPage. `node scripts/gen_ops.mjs` rewrites it; `--check` exits 1 when it is out of date
// (tests/node/parity.test.mjs runs it). The native methods are declared by `native/index.d.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const target = join(here, '..', 'ops.d.ts');
const catalogue = JSON.parse(readFileSync(join(root, 'core', 'catalogue.json'), 'utf8'));
const nativeDts = readFileSync(join(here, '..', 'native', 'index.d.ts'), 'utf8');

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());

/** Names exported by the native declarations, and the native SiteBuilder's methods. */
const exportedTypes = new Set([...nativeDts.matchAll(/export (?:interface|type|declare class|declare const enum) (\w+)/g)].map((m) => m[1]));
const classBody = nativeDts.slice(nativeDts.indexOf('export declare class SiteBuilder'));
const nativeMethods = new Set([...classBody.slice(0, classBody.indexOf('\n}\n')).matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]));

const generated = new Map();

function tsType(schema, defs) {
  if (schema === undefined || schema === true || Object.keys(schema).length === 0 || (schema.description && Object.keys(schema).length === 1)) return 'any';
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    if (exportedTypes.has(name)) return name;
    return declare(name, defs[name], defs);
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf || schema.oneOf;
  if (alternatives) {
    if (alternatives.every((s) => s.const !== undefined)) return alternatives.map((s) => JSON.stringify(s.const)).join(' | ');
    return alternatives.map((s) => tsType(s, defs)).join(' | ');
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types
    .map((t) => {
      if (t === 'integer' || t === 'number') return 'number';
      if (t === 'string') return schema.format === 'date-time' ? 'Date' : 'string';
      if (t === 'boolean') return 'boolean';
      if (t === 'null') return 'null';
      if (t === 'array') return `Array<${tsType(schema.items, defs)}>`;
      if (t === 'object') {
        if (!schema.properties) return 'Record<string, any>';
        if (!schema.title) return inline(schema, defs);
        return exportedTypes.has(schema.title) ? schema.title : declare(schema.title, schema, defs);
      }
      return 'any';
    })
    .join(' | ');
}

/** An untitled object (a variant of a tagged union, passed as is): its literal type, keys as the core spells them. */
function inline(schema, defs) {
  const required = new Set(schema.required || []);
  const fields = Object.entries(schema.properties).map(([key, prop]) => `${key}${required.has(key) ? '' : '?'}: ${tsType(prop, defs)}`);
  return `{ ${fields.join('; ')} }`;
}

/** An interface for a schema object the native declarations lack; returns its name. */
function declare(name, schema, defs) {
  if (!schema || !schema.properties) return tsType(schema, defs);
  if (!generated.has(name)) {
    generated.set(name, '');
    const required = new Set(schema.required || []);
    const fields = Object.entries(schema.properties).map(([key, prop]) => {
      const doc = prop.description ? `  /** ${prop.description.replace(/\n/g, ' ')} */\n` : '';
      return `${doc}  ${camel(key)}${required.has(key) ? '' : '?'}: ${tsType(prop, defs)}`;
    });
    const doc = schema.description ? `/** ${schema.description.replace(/\n/g, ' ')} */\n` : '';
    generated.set(name, `${doc}export interface ${name} {\n${fields.join('\n')}\n}`);
  }
  return name;
}

function signature(op, name, params) {
  const doc = op.doc ? `    /** ${op.doc.replace(/\n/g, ' ')} */\n` : '';
  const response = op.response.type === 'null' ? 'void' : tsType(op.response, op.response.$defs || {});
  return `${doc}    ${name}(${params.join(', ')}): Promise<${response}>`;
}

function params(op) {
  const props = op.request.properties || {};
  const defs = op.request.$defs || {};
  const required = new Set(op.request.required || []);
  const scoped = op.args.includes('scope');
  const list = op.args.map((arg) => (arg === 'scope' ? 'scope: number | Scope' : `${camel(arg)}${required.has(arg) ? '' : '?'}: ${tsType(props[arg], defs)}`));
  const taken = new Set([...op.args, ...(scoped ? ['account_id', 'site_id', 'sector_id'] : [])]);
  const options = Object.entries(props).filter(([key]) => !taken.has(key));
  if (options.length > 0) {
    const fields = options.map(([key, prop]) => `${camel(key)}?: ${tsType(prop, defs)}`);
    list.push(`options?: { ${fields.join('; ')} }`);
  }
  return list;
}

const methods = [];
for (const op of catalogue.operations) {
  const name = camel(op.name);
  if (name === 'createBlueprint') {
    methods.push(signature(op, name, ['scope: number | Scope', 'name: string', "options?: Omit<NewBlueprint, 'name'>"]));
  } else if (name === 'createPage') {
    methods.push(signature(op, name, ['scope: number | Scope', 'blueprintId: number', 'slug: string', 'title: string', "options?: Omit<NewPage, 'slug' | 'title'>"]));
  } else if (!nativeMethods.has(name)) {
    methods.push(signature(op, name, params(op)));
  }
}

const interfaces = [...generated.values()].join('\n\n');
const used = [...exportedTypes].filter((t) => t !== 'SiteBuilder' && new RegExp(`\\b${t}\\b`).test(methods.join('\n') + interfaces)).sort();
const text = `// GENERATED by scripts/gen_ops.mjs from core/catalogue.json: do not edit.
// The operations ops.js adds to SiteBuilder through the native generic \`call\`.
import type { ${used.join(', ')} } from './native/index';

${interfaces}

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
