// ESM entry of `sitebuilder/queue`; the implementation is the CommonJS module, so both share state.
import queue from './queue.js';

export const { enqueue, createWorker, processJob, redisReachable, DEFAULT_QUEUE_NAME, DEFAULT_CONNECTION, TRANSIENT_CODES } = queue;
export default queue;
