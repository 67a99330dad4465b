// Runs a private three-master Redis Cluster (test/support/redis-cluster.ts) and points a command at it:
//   node --import tsx test/support/start-redis-cluster.ts -- COMMAND [ARGS…]
// runs COMMAND with REDIS_URL (one node) and FACTSYNC_REDIS_CLUSTER=true, then stops the cluster and
// exits with COMMAND's code; `npm run test:cluster` runs the integration suite that way. Without a
// command, it keeps the cluster until Ctrl-C and prints the environment to run against it by hand:
//   node --import tsx test/support/start-redis-cluster.ts
//   REDIS_URL=… FACTSYNC_REDIS_CLUSTER=true FACTSYNC_SKIP_BUILD=1 npx vitest run --project integration
// Tests that start a private redis-server of their own keep it a single server.

import { spawn } from 'node:child_process';
import { startRedisCluster } from './redis-cluster.js';

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];

const cluster = await startRedisCluster();
const env = { REDIS_URL: cluster.url, FACTSYNC_REDIS_CLUSTER: 'true' };

if (command.length > 0) {
  const [file, ...args] = command as [string, ...string[]];
  process.stderr.write(
    `cluster: ${cluster.url} (ports ${cluster.ports.join(', ')}); running ${command.join(' ')}\n`,
  );
  const child = spawn(file, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`cluster: could not run ${file}: ${error.message}\n`);
      resolve(127);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  await cluster.destroy();
  process.exit(code);
}

process.stdout.write(`REDIS_URL=${env.REDIS_URL} FACTSYNC_REDIS_CLUSTER=${env.FACTSYNC_REDIS_CLUSTER}\n`);
const stop = async () => {
  await cluster.destroy();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
