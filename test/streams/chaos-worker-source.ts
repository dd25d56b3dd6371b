/**
 * The source of the chaos tests' consumer process, a plain ES module run by `node` (not by
 * vitest), kept as text so that the linter, which only knows the TypeScript project, does not
 * try to parse it. `ChaosWorkers` (chaos-harness.ts) writes it to a temporary file.
 */
export const CHAOS_WORKER_SOURCE = `// A stream consumer process for the chaos tests: one Keel app (transport, JSONRPCServer, the
// \`chaos\` methods, a RedisListener) built from the BUILT packages (packages/*/dist), so that it
// runs as a real separate process that can be killed with SIGKILL.
//
// Usage: node chaos-worker.mjs '<json options>'
//   { coreUrl, redisUrl, streamsUrl, host, port, app, consumer, listener: { ...RedisListener settings } }
//   (file URLs of packages/core/dist/index.js, packages/redis/dist/index.js and
//   packages/redis/dist/streams/index.js)
// Prints "ready" once listening. Exits on SIGTERM (graceful app.stop()) or when stdin closes
// (the test process is gone). Every 200 ms it stores its listener metrics in the hash
// \`chaos:metrics:<consumer>\`.
//
// Methods (scope SYSTEM):
//   chaos.record { i }  sets bit i of \`chaos:seen\` and counts re-runs in \`chaos:duplicates\`
//   chaos.poison        always throws (a retryable failure)
const options = JSON.parse(process.argv[2] ?? '{}');
const { App, JSONRPCServer, jsonRpcServerSettings, Service, ServiceRegistry } = await import(options.coreUrl);
const { RedisTransportService, redisTransportSettings } = await import(options.redisUrl);
const { RedisListener, redisListenerSettings } = await import(options.streamsUrl);

class ChaosService extends Service {
  get routes() {
    return { record: (params) => this.record(params), poison: () => this.poison() };
  }

  async record({ i }) {
    const client = this.app.services.get(RedisTransportService).client;
    const previous = await client.setbit('chaos:seen', i, 1);
    if (previous === 1) await client.incr('chaos:duplicates');
    return null;
  }

  poison() {
    throw new Error('poison message');
  }
}

function entry(cls, name, settings, index) {
  return {
    cls,
    name,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings,
    source: { file: 'chaos-worker', path: \`services[\${index}]\` },
  };
}

const registry = new ServiceRegistry().register(RedisTransportService, JSONRPCServer, ChaosService, RedisListener);
const app = new App(
  {
    packages: [],
    files: ['chaos-worker'],
    app: { name: options.app, env: 'chaos', id: options.consumer, initTimeoutMs: 20_000, closeTimeoutMs: 10_000, logLevel: 'silent', metrics: true },
    services: [
      entry('RedisTransportService', 'redis', { ...redisTransportSettings.defaults, host: options.host, port: options.port }, 0),
      entry('JSONRPCServer', 'rpc', { ...jsonRpcServerSettings.defaults, maxParallelTasks: 512 }, 1),
      entry('ChaosService', 'chaos', {}, 2),
      entry(
        'RedisListener',
        'listener',
        { ...redisListenerSettings.defaults, scope: 'SYSTEM', consumerId: options.consumer, ...options.listener },
        3,
      ),
    ],
  },
  { registry },
);

await app.start();
const listener = app.services.get(RedisListener);
const client = app.services.get(RedisTransportService).client;
const report = setInterval(() => {
  const metrics = listener.metrics;
  client
    .hset(\`chaos:metrics:\${options.consumer}\`, {
      processed: metrics.processed,
      errors: metrics.errors,
      claimed: metrics.claimed,
      deadLettered: metrics.deadLettered,
    })
    .catch(() => undefined);
}, 200);
process.stdout.write('ready\\n');

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  clearInterval(report);
  await app.stop();
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.resume();
`;
