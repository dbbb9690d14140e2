// A BullMQ worker in its own process, so a test can SIGKILL it in the middle of a run.
// Environment: SB_DATABASE_URL, SB_PROVIDER (JSON), SB_REDIS_PORT, SB_QUEUE.
import { SiteBuilder } from 'sitebuilder';
import { createWorker } from 'sitebuilder/queue';

const sb = await SiteBuilder.open({ databaseUrl: process.env.SB_DATABASE_URL, provider: JSON.parse(process.env.SB_PROVIDER) });
const worker = createWorker(sb, {
  connection: { host: '127.0.0.1', port: Number(process.env.SB_REDIS_PORT) },
  queueName: process.env.SB_QUEUE,
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
