// A private redis-server on a free port, for tests that stop and restart Redis. The shared Redis
// on 6379 is never stopped: other test runs use it.
import { spawn } from 'node:child_process';
import net from 'node:net';

/** A port nothing listens on (bound, then released). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** `const redis = await RedisServer.start()`; `await redis.stop()`, `await redis.restart()`. */
export class RedisServer {
  constructor(port) {
    this.port = port;
    this.proc = null;
  }

  static async start() {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get connection() {
    return { host: '127.0.0.1', port: this.port };
  }

  async restart() {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop() {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
}
