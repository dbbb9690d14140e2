// ESM entry of `sitebuilder/queue`; the implementation is the CommonJS module, so both share state.
import queue from './queue.js';

export const {
  enqueue,
  createWorker,
  processJob,
  redisReachable,
  brokerReachable,
  scheduleRecovery,
  doctor,
  DEFAULT_QUEUE_NAME,
  DEFAULT_CONNECTION,
  TRANSIENT_CODES,
  RECOVER_JOB_NAME,
  PROBE_TTL_MS,
} = queue;
export default queue;
