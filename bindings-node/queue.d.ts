// Types of `sitebuilder/queue`: AI functions as BullMQ jobs, with inline fallback.
import type { ConnectionOptions, Job, JobsOptions, Queue, Worker, WorkerOptions } from 'bullmq';
import type { ProgressEvent, RunOutcome, SiteBuilder } from './index';

/** Queue used when none is named: `"sitebuilder-ai"`. */
export declare const DEFAULT_QUEUE_NAME: string;
/** Redis used when no connection is given: 127.0.0.1:6379. */
export declare const DEFAULT_CONNECTION: Readonly<{ host: string; port: number }>;
/** Error codes a job is retried on; other failures are final. */
export declare const TRANSIENT_CODES: ReadonlySet<string>;

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
  /** How long Redis may take to answer before running inline (default 1000 ms). */
  timeoutMs?: number;
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

/** Enqueues a run as a BullMQ job, or runs it inline when Redis is unreachable. */
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
