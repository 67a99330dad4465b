// Commands that run jobs (sync, refresh, worker) build the whole runtime; with `embedded`, a private
// Redis is started when none answers at the default URL.

import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { ensureRedis } from '../jobs/embedded-redis.js';
import { connectRedis, openRuntime, type Runtime } from '../jobs/runtime.js';
import { createLogger, type Logger, logFormat } from '../log.js';
import { configOf } from './context.js';

/** One-off commands print their own summary: their log shows warnings and errors unless asked for more. */
export function commandLogger(config: Config, longRunning: boolean): Logger {
  const level = !longRunning && config.log.level === 'info' ? 'warn' : config.log.level;
  return createLogger(level, logFormat(config.log.format, process.stderr.isTTY === true));
}

export function withRuntime<T>(
  command: Command,
  options: { embedded: boolean; longRunning: boolean },
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  return withRuntimeFor(configOf(command), options, run);
}

export async function withRuntimeFor<T>(
  config: Config,
  options: { embedded: boolean; longRunning: boolean },
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const log = commandLogger(config, options.longRunning);
  const embedded = options.embedded
    ? await ensureRedis(config.redis.url, path.join(path.dirname(config.store.path), 'redis'))
    : undefined;
  if (embedded)
    log.warn(
      { notice: true, url: embedded.url },
      'no Redis at redis.url: running a private redis-server for this command',
    );
  // The private redis-server is one server, never a cluster.
  const redis = embedded ? { ...config.redis, url: embedded.url, cluster: false } : config.redis;
  const runtime = await openRuntime({ ...config, redis }, log, connectRedis(redis));
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
    await embedded?.stop();
  }
}
