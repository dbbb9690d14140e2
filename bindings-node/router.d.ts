// Types of `sitebuilder/router` (router.js): the catalogue's HTTP routes for Express and Fastify.
import type { SiteBuilder } from './index';

/** Who a request acts for; `null` = not logged in, `accountId: null` = no account. */
export interface RequestScope {
  accountId: number | null;
  siteId?: number | null;
  sectorId?: number | null;
  /** May call the operations the catalogue marks `admin`. */
  staff?: boolean;
}

export type ResolveScope = (req: any) => RequestScope | null | Promise<RequestScope | null>;

/** One request under `/api/v1/site-builder/`, framework-free. */
export declare function handle(
  sb: SiteBuilder,
  request: { method: string; path: string; query?: Record<string, string>; body?: unknown; scope: RequestScope | null },
): Promise<{ status: number; body: unknown }>;

/** Express middleware: `app.use(express.json(), expressRouter(sb, { resolveScope }))`. */
export declare function expressRouter(sb: SiteBuilder, options: { resolveScope: ResolveScope }): (req: any, res: any, next: (err?: unknown) => void) => void;

/** Fastify plugin: `fastify.register(fastifyPlugin, { sb, resolveScope })`. */
export declare function fastifyPlugin(fastify: any, options: { sb: SiteBuilder; resolveScope: ResolveScope }): Promise<void>;

/** HTTP status per error code (the Django app's table). */
export declare const HTTP_STATUS: Readonly<Record<string, number>>;
