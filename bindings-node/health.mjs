// ESM entry of `sitebuilder/health`.
import health from './health.js';

export const { healthHandler, metricsHandler, bullmqMetrics, PROMETHEUS_CONTENT_TYPE } = health;
export default health;
