// Types of `sitebuilder/queue`: AI functions as BullMQ jobs, with inline fallback.
import type { ConnectionOptions, Job, JobsOptions, Queue, Worker, WorkerOptions } from 'bullmq';
import type { DoctorCheck, ProgressEvent, RunOutcome, SiteBuilder } from './index';

/** Queue used when none is named: `"sitebuilder-ai"`. */
export declare const DEFAULT_QUEUE_NAME: string;
/** Redis used when no connection is given: 127.0.0.1:6379. */
export declare const DEFAULT_CONNECTION: Readonly<{ host: string; port: number }>;
/** Error codes a job is retried on; other failures are final. */
export declare const TRANSIENT_CODES: ReadonlySet<string>;
/** Name of the repeatable job that runs `sb.recoverStale`: `"sitebuilder:recover_stale"`. */
export declare const RECOVER_JOB_NAME: string;
/** How long a Redis probe's answer is reused by `enqueue` (ms). */
export declare const PROBE_TTL_MS: number;

/** What a job carries. */
export interface SiteBuilderJobData {
  functionName: string;
  payload: any;
  accountId: number;
}

export interface EnqueueOptions {
  /** Job id, used as the run's task id: the idempotency key of its credits. Default: a UUID. */
  jobId?: string;
  /** Redis to use (default 127.0.0.1:6379). */
  connection?: ConnectionOptions;
  /** Queue name (default `"sitebuilder-ai"`). */
  queueName?: string;
  /** An existing queue to add to instead of opening one per call. */
  queue?: Queue;
  /** How long Redis may take to answer the probe before running inline (default 500 ms). */
  timeoutMs?: number;
  /** How long a probe's answer is reused (default `PROBE_TTL_MS`); 0 probes every call. */
  probeTtlMs?: number;
  /** BullMQ job options (attempts, backoff, removeOnComplete, …) over ours. */
  jobOptions?: JobsOptions;
  /** Where the fallback warning goes (default `console`). */
  logger?: { warn(message: string): void };
  /** Progress of an inline run. */
  onProgress?: (event: ProgressEvent) => void;
  /** Stops an inline run when aborted (a queued job is stopped with `worker.cancelJob(jobId)`). */
  signal?: AbortSignal;
}

export type EnqueueResult =
  | { mode: 'queued'; jobId: string; queueName: string }
  | { mode: 'inline'; jobId: string; outcome: RunOutcome };

/**
 * Records the run as `queued` (so `sb.task(jobId)` answers at once; a bad call rejects here), then
 * enqueues it as a BullMQ job, or runs it inline when Redis is unreachable.
 */
export declare function enqueue(
  sb: SiteBuilder,
  functionName: string,
  payload: any,
  accountId: number,
  options?: EnqueueOptions,
): Promise<EnqueueResult>;

export interface CreateWorkerOptions {
  /** Redis to use (default 127.0.0.1:6379). */
  connection?: ConnectionOptions;
  /** Jobs run at once by this worker (default 1). */
  concurrency?: number;
  /** Queue name (default `"sitebuilder-ai"`). */
  queueName?: string;
  /** Further BullMQ worker options. */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * A BullMQ worker running sitebuilder jobs; its job results are `RunOutcome`s. `worker.cancelJob(id)`
 * stops a running job: its run ends `cancelled`, nothing is charged, and the job fails without retries.
 */
export declare function createWorker(
  sb: SiteBuilder,
  options?: CreateWorkerOptions,
): Worker<SiteBuilderJobData, RunOutcome>;

/** Runs one job through `sb.run` with the job id as task id; `signal` (BullMQ's) stops it. */
export declare function processJob(
  sb: SiteBuilder,
  job: Job<SiteBuilderJobData>,
  signal?: AbortSignal,
): Promise<RunOutcome>;

/** Whether Redis answers PING within `timeoutMs` (default 1000). Never rejects. */
export declare function redisReachable(connection?: ConnectionOptions, timeoutMs?: number): Promise<boolean>;

/** Whether Redis is reachable; the answer is reused for `ttlMs` per address unless `fresh`. Never rejects. */
export declare function brokerReachable(
  connection?: ConnectionOptions,
  options?: { timeoutMs?: number; ttlMs?: number; fresh?: boolean },
): Promise<boolean>;

/** Adds (or updates) the repeatable job running `sb.recoverStale(olderThanMs)` every `everyMs`. */
export declare function scheduleRecovery(
  queue: Queue,
  options?: { everyMs?: number; olderThanMs?: number },
): Promise<unknown>;

export interface QueueDoctorOptions {
  /** Redis to check (default 127.0.0.1:6379). */
  connection?: ConnectionOptions;
  /** Queue whose workers are counted (default `"sitebuilder-ai"`). */
  queueName?: string;
  /** An existing queue instead of opening one. */
  queue?: Queue;
  /** How long Redis may take to answer (default 1000 ms). */
  timeoutMs?: number;
  /** Wait after which a queued task counts as stuck (default 60 000 ms). */
  stuckAfterMs?: number;
}

/** `sb.doctor()` plus `broker` (Redis answers) and `workers` (live workers on the queue) checks. */
export declare function doctor(sb: SiteBuilder, options?: QueueDoctorOptions): Promise<{ ok: boolean; checks: DoctorCheck[] }>;
