'use strict';
// The catalogue's HTTP routes for Node: the same paths, JSON and statuses as the Django app
// (`sitebuilder.contrib.django`), mountable in Express and in Fastify.
//
// Every operation of `catalogue()` with an `http` route is served under `/api/v1/site-builder/`:
// path fields from the URL, other fields from the query (GET, DELETE) or the JSON body, scope from
// the host's `resolveScope(req)`; answers are the core's own JSON, lists in the
// `count/next/previous/results` envelope, errors `{ success: false, code, error, ...fields }`.
// `admin` operations need `staff: true` in the resolved scope. `openapi/` serves the core's
// OpenAPI 3.1 document. The shared cases in tests/http/cases.json run against both frameworks.
// AI runs also answer as server-sent events at `<route>stream/` (see `startStream`).
// Writes take an `Idempotency-Key` header: a retry with it answers the first status and body and
// charges once. A `prompt_override` (or an account's own stored prompt) needs the host's
// `allowPromptOverride(req)`: off by default, since a free prompt turns the platform's model and
// credits into a general-purpose chatbot.

const fs = require('node:fs');
const os = require('node:os');
const nodePath = require('node:path');
const native = require('./native/index.js');
const { translateError } = require('./errors.js');
const { RunStream } = require('./stream.js');
const { healthHandler, metricsHandler } = require('./health.js');

const CATALOGUE = JSON.parse(native.catalogue());
const PREFIX = CATALOGUE.http_prefix;

/** HTTP status per error code: the Django app's table (contrib/django/errors.py). */
const HTTP_STATUS = {
  invalid_input: 400, json: 400, not_found: 404, insufficient_credits: 402, conflict: 409, cancelled: 409,
  quota_exceeded: 413, provider_unavailable: 503, migration_required: 503, provider_rejected: 502, ai_refused: 502,
  ai_output_truncated: 502, invalid_ai_output: 502,
};
const OWN = new Set(['name', 'message', 'stack', 'code', 'cause', 'transient']);

/** One compiled route per (method, path). */
const ROUTES = CATALOGUE.operations
  .filter((op) => op.http)
  .map((op) => {
    const names = [];
    const pattern = op.http.path.replace(/\{(\w+)\}/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    });
    return { op, names, regex: new RegExp(`^${pattern}$`) };
  });

/**
 * The server-sent-events twin of every AI run's route (`…/generate_structure/stream/`), as the
 * Django app's `stream.py` serves it: the same request; `event: progress` / `page` / `done` /
 * `error` with JSON data. The response starts once the run reached the model (or ended), so a
 * refusal before (unknown blueprint, missing credits, bad input) is the plain route's status and
 * JSON error; a client that disconnects cancels the run (nothing charged).
 */
const STREAM_ROUTES = ROUTES
  .filter((r) => r.op.streams)
  .map((r) => ({ ...r, stream: true, regex: new RegExp(`${r.regex.source.slice(0, -1)}stream/$`) }));

/** Phases in which a run can still be refused as a request (the response has not started). */
const BEFORE_MODEL = ['INIT', 'PREP'];

/** Milliseconds between `: keep-alive` comments while the model is quiet (for proxies). */
const KEEPALIVE_MS = 15000;

/** The error shape of both HTTP surfaces; `message` repeats `error` (the OpenAPI `Error` schema). */
function errorBody(code, message, extra = {}) {
  return { success: false, code, error: message, message, ...extra };
}

function fromError(err) {
  const e = translateError(err);
  if (!e || typeof e.code !== 'string') return { status: 500, body: errorBody('internal', String(e && e.message)) };
  const extra = {};
  for (const [key, value] of Object.entries(e)) if (!OWN.has(key)) extra[key] = value;
  if ('status' in extra) {
    extra.provider_status = extra.status;
    delete extra.status;
  }
  return { status: HTTP_STATUS[e.code] ?? 500, body: errorBody(e.code, e.message, extra) };
}

function convert(value, schema = {}, name = 'value') {
  const kinds = [].concat(schema.type ?? []);
  if (kinds.includes('integer') || kinds.includes('number')) {
    const n = Number(value);
    if (value === '' || Number.isNaN(n)) throw new Error(`${name}: expected a number, got ${JSON.stringify(value)}`);
    // Past 2^53 a JavaScript number is no longer the id that was sent (and past 2^63 - 1 no record has it).
    if (kinds.includes('integer') && Number.isInteger(n) && !Number.isSafeInteger(n)) {
      throw new Error(`${name}: must be at most ${Number.MAX_SAFE_INTEGER}`);
    }
    return n;
  }
  if (kinds.includes('boolean')) return ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
  return value;
}

const PROMPT_FORBIDDEN = errorBody(
  'prompt_override_forbidden',
  "overriding prompts is not enabled for this user; ask the site's administrator",
);

/** The request's `Idempotency-Key` header (Node lower-cases header names). */
function idempotencyKey(headers) {
  const value = headers && headers['idempotency-key'];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether `fields` carry a prompt override (an account's stored prompt counts as one). */
function overridesPrompt(op, fields) {
  if (op.name === 'set_prompt_override') return fields.template !== undefined && fields.template !== null;
  return fields.prompt_override !== undefined && fields.prompt_override !== null;
}

/**
 * The rendered site over HTTP, as the Django app's `preview.py` serves it:
 * `blueprints/<id>/preview/` and `…/preview/<slug>/` answer the page as text/html (links lead to
 * the other preview pages, the stylesheet is inline, an unknown slug is a 404 with the site's
 * 404 page), `…/preview/assets/<file>` the site's images, `…/export/` the site as a zip.
 */
const SITE_ROUTE = /^blueprints\/(\d+)\/(?:preview\/(?:assets\/(\d+)-[^/]+|([^/]+)\/)?|(export)\/)$/;

/** A preview is generated content on the host's origin: styles and images, never a script. */
const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
  + "font-src 'self' https: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

function slugify(name) {
  return String(name).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'site';
}

async function siteRoute(sb, match, scope) {
  if (!scope) return { status: 401, body: errorBody('not_authenticated', 'log in to use the site builder') };
  if (scope.accountId === undefined || scope.accountId === null) {
    return { status: 403, body: errorBody('no_account', 'this user has no account; ask an administrator to add you to one') };
  }
  const [, id, assetId, slug, exportPath] = match;
  const blueprintId = Number(id);
  const fields = { account_id: scope.accountId };
  if (scope.siteId != null) fields.site_id = scope.siteId;
  if (scope.sectorId != null) fields.sector_id = scope.sectorId;
  const coreScope = { accountId: scope.accountId, siteId: scope.siteId ?? undefined, sectorId: scope.sectorId ?? undefined };
  try {
    if (exportPath) {
      const bp = await sb.getBlueprint(coreScope, blueprintId);
      const folder = await fs.promises.mkdtemp(nodePath.join(os.tmpdir(), 'sitebuilder-export-'));
      try {
        const target = nodePath.join(folder, 'site.zip');
        const summary = JSON.parse(await sb.call('export_site', JSON.stringify({ ...fields, blueprint_id: blueprintId, target, format: 'zip' })));
        const data = await fs.promises.readFile(target);
        const name = `${slugify(bp.name)}-v${bp.version}.zip`;
        return {
          status: 200, body: data, raw: true,
          headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}"`, 'x-checksum-sha256': summary.checksum, 'cache-control': 'no-store' },
        };
      } finally {
        await fs.promises.rm(folder, { recursive: true, force: true });
      }
    }
    if (assetId) {
      const { asset, data } = await sb.downloadAsset(coreScope, Number(assetId));
      if (asset.siteBlueprintId !== blueprintId || !asset.contentType.startsWith('image/')) {
        return { status: 404, body: errorBody('not_found', 'no such preview file') };
      }
      return {
        status: 200, body: data, raw: true,
        headers: { 'content-type': asset.contentType, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox", 'x-content-type-options': 'nosniff' },
      };
    }
    let pageSlug = '';
    try {
      pageSlug = slug ? decodeURIComponent(slug) : '';
    } catch {
      return { status: 400, body: errorBody('invalid_input', 'slug is not a valid URL segment') };
    }
    const request = { ...fields, blueprint_id: blueprintId, slug: pageSlug, link_base: `${PREFIX}blueprints/${blueprintId}/preview/`, missing_as_404: true };
    const page = JSON.parse(await sb.call('render_page', JSON.stringify(request)));
    return {
      status: page.found ? 200 : 404, body: page.html, raw: true,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PREVIEW_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
    };
  } catch (err) {
    return fromError(err);
  }
}

/**
 * Answers one request: `{ method, path (under the prefix), query, body, scope, headers, req }` →
 * `{ status, body }` (`body` undefined for 204). Framework-free, so each adapter is a few lines.
 * `options.allowPromptOverride(req, scope)` grants prompt overrides (default: nobody).
 */
async function handle(sb, { method, path, query, body, scope, headers, req }, options = {}) {
  if (path === 'openapi/' && method === 'GET') return { status: 200, body: JSON.parse(native.openapi()) };
  // Probes and scrapers have no login: health/ and metrics/ answer before the scope is resolved
  // (the Django app's health.py does the same). Route them away from the public internet.
  if (path === 'health/' || path === 'metrics/') {
    const make = path === 'health/' ? healthHandler : metricsHandler;
    const out = await make(sb, options.health || {})({ method });
    return { ...out, raw: true };
  }
  const site = method === 'GET' ? SITE_ROUTE.exec(path) : null;
  if (site) return siteRoute(sb, site, scope);
  let route;
  let match;
  for (const r of ROUTES) {
    const m = r.regex.exec(path);
    if (m && r.op.http.method === method) [route, match] = [r, m];
  }
  for (const r of method === 'POST' ? STREAM_ROUTES : []) {
    const m = r.regex.exec(path);
    if (m) [route, match] = [r, m];
  }
  if (!route) return { status: 404, body: errorBody('not_found', `no route ${method} ${PREFIX}${path}`) };
  if (!scope) return { status: 401, body: errorBody('not_authenticated', 'log in to use the site builder') };
  if (scope.accountId === undefined || scope.accountId === null) {
    return { status: 403, body: errorBody('no_account', 'this user has no account; ask an administrator to add you to one') };
  }
  const { op } = route;
  if (op.admin && !scope.staff) return { status: 403, body: errorBody('forbidden', `${op.name} is for staff only`) };
  const props = op.request.properties || {};
  let request;
  try {
    const write = method !== 'GET' && method !== 'DELETE';
    if (write && body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new Error('the request body must be a JSON object');
    }
    const fields = write
      ? { ...(body || {}) }
      : Object.fromEntries(Object.entries(query || {}).filter(([k]) => k in props).map(([k, v]) => [k, convert(v, props[k], k)]));
    if (op.admin) {
      if (fields.account_id === undefined) fields.account_id = scope.accountId;
    } else {
      for (const key of ['account_id', 'site_id', 'sector_id']) delete fields[key];
      if ('account_id' in props) fields.account_id = scope.accountId;
      if ('site_id' in props && scope.siteId != null) fields.site_id = scope.siteId;
      if ('sector_id' in props && scope.sectorId != null) fields.sector_id = scope.sectorId;
    }
    if (!('account_id' in props)) delete fields.account_id;
    route.names.forEach((name, i) => {
      fields[name] = convert(decodeURIComponent(match[i + 1]), props[name], name);
    });
    if (overridesPrompt(op, fields)) {
      const allow = options.allowPromptOverride;
      if (!(typeof allow === 'function' && (await allow(req, scope)) === true)) return { status: 403, body: PROMPT_FORBIDDEN };
    }
    request = JSON.stringify(fields);
  } catch (err) {
    // A stack overflow here is a body nested deeper than any the engine accepts.
    const message = err instanceof RangeError ? 'the request body is nested too deeply' : err.message;
    return { status: 400, body: errorBody('invalid_input', `invalid input: ${message}`) };
  }
  if (route.stream) return startStream(sb, op, request, idempotencyKey(headers));
  let value;
  try {
    value = JSON.parse(await sb.call(op.name, request, { idempotencyKey: idempotencyKey(headers) }));
  } catch (err) {
    return fromError(err);
  }
  if (op.http.status === 204) return { status: 204, body: undefined };
  if (Array.isArray(value)) value = { count: value.length, next: null, previous: null, results: value };
  else if (value && Array.isArray(value.items) && 'next_after_id' in value) value = paged(value, path, query);
  return { status: op.http.status, body: value };
}

/**
 * Starts `op`'s run for a `stream/` route and waits until it reaches the model or ends: a refusal
 * before that is the plain route's JSON error; otherwise `{ status, sse: { head, stream } }`, the
 * events so far and the rest of the run, which the adapters send (`sendStream`).
 */
async function startStream(sb, op, request, key) {
  const stream = new RunStream((run) => sb.call(op.name, request, { ...run, idempotencyKey: key }), new native.CancelHandle());
  const head = [];
  try {
    for (;;) {
      const { done, value } = await stream.next();
      if (done) break;
      head.push(value);
      if (typeof value === 'string' || !BEFORE_MODEL.includes(value.phase)) break;
    }
  } catch (err) {
    return fromError(err);
  }
  return { status: op.http.status, sse: { head, stream } };
}

/** One server-sent event: a progress event (the core's JSON, as Django sends it) or the outcome. */
function sseChunk(item) {
  if (typeof item === 'string') return `event: done\ndata: ${JSON.stringify(JSON.parse(item))}\n\n`;
  const data = { task_id: item.taskId, phase: item.phase, percent: item.percent, message: item.message, current: item.current ?? null, total: item.total ?? null };
  if (item.partial !== undefined && item.partial !== null) data.partial = item.partial;
  const event = data.partial && data.partial.kind === 'page' ? 'page' : 'progress';
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Writes a stream's events to a Node `ServerResponse` (Express's `res`, Fastify's `reply.raw`);
 * the connection closing first cancels the run.
 */
async function sendStream(res, { status, sse }) {
  const { head, stream } = sse;
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  keepAlive.unref();
  res.on('close', () => {
    clearInterval(keepAlive);
    stream.cancel();
  });
  try {
    for (const item of head) res.write(sseChunk(item));
    for (;;) {
      let next;
      try {
        next = await stream.next();
      } catch (err) {
        res.write(`event: error\ndata: ${JSON.stringify(fromError(err).body)}\n\n`);
        break;
      }
      if (next.done) break;
      res.write(sseChunk(next.value));
    }
  } finally {
    clearInterval(keepAlive);
    res.end();
  }
}

/**
 * A keyset page (`{ items, next_after_id, count }`) as a DRF envelope: `count` is the real total,
 * `next` this path with `after_id` moved on (`null` at the end); keyset pages have no `previous`.
 * The Django app answers the same (views.paged).
 */
function paged(page, path, query) {
  const next = page.next_after_id == null ? null : `${PREFIX}${path}?${new URLSearchParams({ ...(query || {}), after_id: String(page.next_after_id) })}`;
  return { count: page.count, next, previous: null, next_after_id: page.next_after_id, results: page.items };
}

function send(res, { status, body, headers, raw }) {
  res.statusCode = status;
  if (raw) {
    for (const [key, value] of Object.entries(headers || {})) res.setHeader(key, value);
    return res.end(body);
  }
  if (body === undefined) return res.end();
  res.setHeader('content-type', 'application/json');
  return res.end(JSON.stringify(body));
}

/**
 * The JSON error for a request the framework refused before the router saw it (a body that is not
 * JSON, or too large): the same shape as every other error, never the framework's HTML page.
 */
function bodyError(err) {
  const status = Number(err && (err.status || err.statusCode)) || 500;
  if (status === 413) return { status, body: errorBody('quota_exceeded', 'the request body is too large') };
  if (status >= 400 && status < 500) {
    return { status: 400, body: errorBody('invalid_input', 'invalid input: the request body is not valid JSON') };
  }
  return { status: 500, body: errorBody('internal', 'the request failed; try again later') };
}

/**
 * Express error middleware for the routes' paths, after `express.json()` and the router:
 * `app.use(expressErrors())` answers a body-parser refusal with the JSON error shape.
 */
function expressErrors() {
  return function sitebuilderErrors(err, req, res, next) {
    const url = new URL(req.originalUrl || req.url, 'http://host');
    if (!url.pathname.startsWith(PREFIX) || res.headersSent) return next(err);
    return send(res, bodyError(err));
  };
}

/**
 * Express (4 or 5) middleware serving the routes: `app.use(express.json(), expressRouter(sb, { resolveScope }))`.
 * `health` (optional) is passed to the `health/` and `metrics/` handlers: `{ queue, connection,
 * queueName, timeoutMs, stuckAfterMs }` adds the BullMQ broker and worker checks.
 * `resolveScope(req)` returns `{ accountId, siteId?, sectorId?, staff? }`, `null` when the user is
 * not logged in, or `{ accountId: null }` when it has no account (may return a Promise).
 */
function expressRouter(sb, { resolveScope, health, allowPromptOverride }) {
  return function sitebuilderRouter(req, res, next) {
    const url = new URL(req.originalUrl || req.url, 'http://host');
    if (!url.pathname.startsWith(PREFIX)) return next();
    Promise.resolve(resolveScope(req))
      .then((scope) => handle(sb, { method: req.method, path: url.pathname.slice(PREFIX.length), query: Object.fromEntries(url.searchParams), body: req.body, scope, headers: req.headers, req }, { health, allowPromptOverride }))
      .then((out) => (out.sse ? sendStream(res, out) : send(res, out)), next);
  };
}

/**
 * A Fastify plugin serving the routes: `fastify.register(fastifyPlugin, { sb, resolveScope, health,
 * allowPromptOverride })`. A body Fastify cannot parse is answered with the JSON error shape.
 */
async function fastifyPlugin(fastify, { sb, resolveScope, health, allowPromptOverride }) {
  const errorHandler = (err, request, reply) => {
    const out = bodyError(err);
    return reply.code(out.status).type('application/json').send(JSON.stringify(out.body));
  };
  fastify.all(`${PREFIX}*`, { errorHandler }, async (request, reply) => {
    const url = new URL(request.url, 'http://host');
    const scope = await resolveScope(request);
    const out = await handle(sb, { method: request.method, path: url.pathname.slice(PREFIX.length), query: Object.fromEntries(url.searchParams), body: request.body, scope, headers: request.headers, req: request }, { health, allowPromptOverride });
    if (out.sse) {
      reply.hijack();
      return sendStream(reply.raw, out);
    }
    reply.code(out.status);
    if (out.raw) return reply.headers(out.headers || {}).send(out.body);
    if (out.body === undefined) return reply.send();
    return reply.type('application/json').send(JSON.stringify(out.body));
  });
}
fastifyPlugin[Symbol.for('skip-override')] = true;

module.exports = { handle, sendStream, expressRouter, expressErrors, fastifyPlugin, HTTP_STATUS };
