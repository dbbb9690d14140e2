// Types of `sitebuilder/router` (router.js): the catalogue's HTTP routes for Express and Fastify.
import type { SiteBuilder } from './index';
import type { HealthOptions } from './health';

/** Who a request acts for; `null` = not logged in, `accountId: null` = no account. */
export interface RequestScope {
  accountId: number | null;
  siteId?: number | null;
  sectorId?: number | null;
  /** May call the operations the catalogue marks `admin`. */
  staff?: boolean;
}

export type ResolveScope = (req: any) => RequestScope | null | Promise<RequestScope | null>;

/**
 * Whether the request's user may send a `prompt_override` or store an account prompt (`PUT
 * prompts/<type>/`). Unset: nobody may (403 `prompt_override_forbidden`, nothing charged).
 */
export type AllowPromptOverride = (req: any, scope: RequestScope) => boolean | Promise<boolean>;

/** Router options shared by the Express and Fastify adapters. */
export interface RouterOptions {
  resolveScope: ResolveScope;
  /** Passed to `health/` and `metrics/`. */
  health?: HealthOptions;
  allowPromptOverride?: AllowPromptOverride;
}

/**
 * An AI run's `stream/` route once the run reached the model (or ended): the events so far and
 * the rest of the run; `sendStream(res, out)` writes them as server-sent events (`event:
 * progress` / `page` / `done` / `error`, JSON data) and cancels the run when the client leaves.
 */
export interface StreamOut {
  head: unknown[];
  stream: import('./index').RunStream<string>;
}

/** One request under `/api/v1/site-builder/`, framework-free. */
/** `health/` and `metrics/` (no login: for probes and scrapers) answer text with their own headers. */
/**
 * `blueprints/<id>/preview/` and `…/preview/<slug>/` answer the page as text/html (links lead to
 * the other preview pages; an unknown slug is a 404 with the site's 404 page), `…/preview/assets/<file>`
 * its images and `…/export/` the site as a zip attachment: `raw: true`, `body` a string or Buffer.
 */
export declare function handle(
  sb: SiteBuilder,
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    scope: RequestScope | null;
    /** Lower-case names; `idempotency-key` makes a write safe to retry. */
    headers?: Record<string, string | string[] | undefined>;
    /** The framework's request, handed to `allowPromptOverride`. */
    req?: unknown;
  },
  options?: { health?: HealthOptions; allowPromptOverride?: AllowPromptOverride },
): Promise<{ status: number; body?: unknown; headers?: Record<string, string>; raw?: boolean; sse?: StreamOut }>;

/** Writes a `stream/` route's events to a Node `ServerResponse` (Express `res`, Fastify `reply.raw`). */
export declare function sendStream(res: any, out: { status: number; sse: StreamOut }): Promise<void>;

/** Express middleware: `app.use(express.json(), expressRouter(sb, { resolveScope }))`; `health` goes to `health/` and `metrics/`. */
export declare function expressRouter(sb: SiteBuilder, options: RouterOptions): (req: any, res: any, next: (err?: unknown) => void) => void;

/** Express error middleware: a body `express.json()` refused, as the JSON error shape (`app.use(expressErrors())` last). */
export declare function expressErrors(): (err: unknown, req: any, res: any, next: (err?: unknown) => void) => void;

/** Fastify plugin: `fastify.register(fastifyPlugin, { sb, resolveScope })`; `health` goes to `health/` and `metrics/`. */
export declare function fastifyPlugin(fastify: any, options: RouterOptions & { sb: SiteBuilder }): Promise<void>;

/** HTTP status per error code (the Django app's table). */
export declare const HTTP_STATUS: Readonly<Record<string, number>>;
