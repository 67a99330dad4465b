// `factsync worker --check`: the worker's health check, run beside it (docker compose runs it in the
// worker's container). Exit 0 when a worker on this host has beaten within TTL.heartbeatMs, else 1
// with one line saying why — never 2, which Docker reserves for health checks
// (https://docs.docker.com/reference/dockerfile/#healthcheck: 0 healthy, 1 unhealthy, 2 reserved).

import { hostname } from 'node:os';
import { type Config, redactUrl } from '../config.js';
import { redisAnswers } from '../jobs/embedded-redis.js';
import { lastBeat } from '../jobs/heartbeat.js';
import { connectRedis } from '../jobs/runtime.js';
import { storeScope } from '../jobs/store-scope.js';
import { TTL } from '../redis-keys.js';
import { printLines, warnLines } from './output.js';

function unhealthy(message: string): void {
  warnLines(`unhealthy: ${message}`);
  process.exitCode = 1;
}

export async function checkWorker(config: Config): Promise<void> {
  const host = hostname();
  if (!(await redisAnswers(config.redis.url))) {
    unhealthy(`nothing answers at redis.url ${redactUrl(config.redis.url)}`);
    return;
  }
  const redis = connectRedis(config.redis);
  try {
    const beat = await lastBeat(redis, storeScope(config).prefix, host);
    if (!beat) {
      unhealthy(
        `no worker on ${host} has beaten in the last ${TTL.heartbeatMs / 1000} s (is \`factsync worker\` running here, with the same REDIS_URL and store?)`,
      );
      return;
    }
    const seconds = Math.max(0, Math.round((Date.now() - beat.at) / 1000));
    await printLines(`healthy: worker ${beat.pid} on ${host} beat ${seconds} s ago`);
  } finally {
    redis.disconnect();
  }
}
