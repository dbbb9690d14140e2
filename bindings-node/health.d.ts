// Types of `sitebuilder/health`: framework-neutral health and metrics handlers.
import type { ConnectionOptions, Queue } from 'bullmq';
import type { SiteBuilder } from './index';

/** What a handler answers; the host writes it to its response. */
export interface HandlerResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The request, as far as the handlers look at it (only the method: anything but GET/HEAD is 405). */
export interface HandlerRequest {
  method?: string;
}

export type Handler = (request?: HandlerRequest) => Promise<HandlerResponse>;

export interface HealthOptions {
  /** The BullMQ queue whose Redis and workers are checked. */
  queue?: Queue;
  /** Redis to check when no queue is given. */
  connection?: ConnectionOptions;
  /** Queue name whose workers are counted when no queue is given. */
  queueName?: string;
  /** How long Redis may take to answer (default 1000 ms). */
  timeoutMs?: number;
  /** Wait after which a queued task counts as stuck (default 60 000 ms). */
  stuckAfterMs?: number;
}

/** JSON doctor report: 200 when every check passed, 503 otherwise (fit for a liveness probe). */
export declare function healthHandler(sb: SiteBuilder, options?: HealthOptions): Handler;

/** Prometheus text: the core's metrics, plus the queue's job counts, workers and oldest wait. */
export declare function metricsHandler(sb: SiteBuilder, options?: { queue?: Queue }): Handler;

/** The Prometheus lines of a BullMQ queue alone. */
export declare function bullmqMetrics(queue: Queue): Promise<string>;

/** `text/plain; version=0.0.4; charset=utf-8`. */
export declare const PROMETHEUS_CONTENT_TYPE: string;
