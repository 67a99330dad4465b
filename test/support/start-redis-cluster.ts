// Runs a private three-master Redis Cluster (test/support/redis-cluster.ts) until Ctrl-C, and prints the
// environment that points the integration suite at it:
//   node --import tsx test/support/start-redis-cluster.ts
//   REDIS_URL=… FACTSYNC_REDIS_CLUSTER=true FACTSYNC_SKIP_BUILD=1 npx vitest run --project integration
// Tests that start a private redis-server of their own keep it a single server.

import { startRedisCluster } from './redis-cluster.js';

const cluster = await startRedisCluster();
process.stdout.write(`REDIS_URL=${cluster.url} FACTSYNC_REDIS_CLUSTER=true\n`);
const stop = async () => {
  await cluster.destroy();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
