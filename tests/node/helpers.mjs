// Shared fixtures of the Node tests: real SQLite files, fresh PostgreSQL schemas, and a real HTTP
// server speaking the OpenAI chat-completions wire format.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BASE = process.env.SITEBUILDER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh SQLite database file in a temp dir; `cleanup()` removes the dir. */
export function sqliteDb() {
  const dir = mkdtempSync(join(tmpdir(), 'sitebuilder-node-'));
  return { url: `sqlite://${join(dir, 'test.db')}`, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function psql(sql) {
  execFileSync('psql', [PG_BASE, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A fresh PostgreSQL schema; the URL selects it through `search_path`. `cleanup()` drops it. */
export function pgSchema() {
  const schema = `node_${randomBytes(6).toString('hex')}`;
  psql(`CREATE SCHEMA ${schema}`);
  const url = `${PG_BASE}?options=-c%20search_path%3D${schema}`;
  return { url, schema, cleanup: () => psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

/** The backends every API test runs against. */
export const BACKENDS = [
  ['sqlite', sqliteDb],
  ['postgres', pgSchema],
];

/** A valid structure answer for a brief, as the model would send it. */
export function structureAnswer(name = 'Porto Bakery') {
  return {
    site: {
      name,
      tagline: 'Fresh bread every morning',
      tone: 'warm',
      layout: 'default',
      primary_navigation: ['home', 'about', 'contact'],
      secondary_navigation: [],
      hero_message: 'Baked before sunrise',
    },
    pages: [
      page('home', 'Home', 'home', [{ type: 'hero', data: { heading: name, subheading: 'Since 1952', cta: { label: 'Order', href: '/contact' } } }]),
      page('about', 'About us', 'about', [{ type: 'text', data: { heading: 'Our story', body: 'Three generations of bakers.' } }]),
      page('contact', 'Contact', 'contact', [
        { type: 'form', data: { heading: 'Write to us', fields: [{ name: 'email', label: 'Email', type: 'email', required: true }], submit_label: 'Send' } },
      ]),
    ],
  };
}

function page(slug, title, type, blocks) {
  return {
    slug,
    title,
    type,
    objective: `${title} page`,
    primary_cta: 'Order now',
    seo: { meta_title: title, meta_description: `${title} of the bakery` },
    blocks,
  };
}

/** A chat.completion body carrying `content` (a string or a value to JSON-encode). */
export function completion(content, model = 'test-model', extra = {}) {
  return {
    id: `chatcmpl-${randomBytes(4).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content), refusal: null, ...extra.message },
        finish_reason: extra.finish_reason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 340, total_tokens: 460 },
  };
}

/**
 * Writes a chat.completion `answer` as OpenAI streams it: server-sent `chat.completion.chunk`
 * events, the message text cut into `chunkSize` characters `chunkDelayMs` apart (and a refusal in its
 * own delta), then a chunk with `finish_reason`, one with `usage` and `data: [DONE]`. Stops when the client goes away.
 */
function streamCompletion(res, answer, timers) {
  const { body, chunkSize = 40, chunkDelayMs = 0 } = answer;
  const message = body.choices?.[0]?.message ?? {};
  const content = message.content ?? '';
  const base = { id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model };
  const events = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  for (let i = 0; i < content.length; i += chunkSize) {
    events.push({ ...base, choices: [{ index: 0, delta: { content: content.slice(i, i + chunkSize) }, finish_reason: null }] });
  }
  // A refusal streams in its own delta field, as OpenAI sends it.
  if (message.refusal) {
    events.push({ ...base, choices: [{ index: 0, delta: { refusal: message.refusal }, finish_reason: null }] });
  }
  events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: body.choices?.[0]?.finish_reason ?? 'stop' }] });
  events.push({ ...base, choices: [], usage: body.usage });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let next = 0;
  const write = () => {
    if (res.destroyed) return;
    if (next === events.length) {
      res.end('data: [DONE]\n\n');
      return;
    }
    res.write(`data: ${JSON.stringify(events[next++])}\n\n`);
    if (chunkDelayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        write();
      }, chunkDelayMs);
      timers.add(timer);
    } else setImmediate(write);
  };
  write();
}

/**
 * Starts an OpenAI-compatible server on 127.0.0.1:0. `respond(body, requests)` returns
 * `{ status?, body, delayMs?, chunkSize?, chunkDelayMs? }`; the default answers every request
 * with a valid structure. A request with `stream: true` answered 200 with a completion gets it as
 * server-sent events (see `streamCompletion`); without `stream`, one JSON body. `streamed()` counts
 * the answers that went out as events.
 */
export async function openAiServer(respond = () => ({ body: completion(structureAnswer()) })) {
  const requests = [];
  let streamed = 0;
  // Delayed answers still pending at close are dropped, so a test that stopped waiting (an aborted
  // run) does not keep the process alive until the delay ends.
  const timers = new Set();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const answer = respond(body, requests);
      const send = () => {
        if (body && body.stream === true && (answer.status ?? 200) === 200 && typeof answer.body === 'object' && answer.body?.choices) {
          streamed += 1;
          streamCompletion(res, answer, timers);
          return;
        }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    streamed: () => streamed,
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Provider options pointing at a test server. */
export function openAiProvider(server, extra = {}) {
  // The scripted server plays a hosted model: it answers whole sites, so no steps.
  return { kind: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'test-model', maxRetries: 0, timeoutSecs: 10, generation: 'whole', ...extra };
}
