// `factsync watch`: runs the EventStreams consumer (jobs/watch.ts) in this process until SIGTERM or
// SIGINT. It needs Redis only (the change index, under the store's prefix), not the local store nor
// the proposal store. `factsync worker --watch` runs the same inside a worker; either way one watcher
// at a time reads the stream (the others wait on its lease).

import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { ChangeIndex } from '../jobs/change-index.js';
import { connectRedis } from '../jobs/runtime.js';
import { storeScope } from '../jobs/store-scope.js';
import { startWatch, type Watcher } from '../jobs/watch.js';
import type { Logger } from '../log.js';
import { EventStreamsSource } from '../sources/eventstreams.js';
import { configOf } from './context.js';
import { writeErr } from './output.js';
import { commandLogger } from './runtime-context.js';

/** Starts a watcher over this Redis (config.watch), under the store's prefix. */
export function startRuntimeWatch(runtime: {
  config: Config;
  redis: Redis;
  log: Logger;
  clock?: () => number;
}): Watcher {
  const { config } = runtime;
  const watch = config.watch;
  const prefix = storeScope(config).prefix;
  return startWatch({
    redis: runtime.redis,
    prefix,
    changes: new ChangeIndex(runtime.redis, prefix),
    source: new EventStreamsSource(watch.url, config.http.userAgent, watch.idleTimeoutMs),
    log: runtime.log.child({ job: 'watch' }),
    settings: {
      leaseMs: watch.leaseMs,
      retentionMs: watch.retentionHours * 3_600_000,
      backoffBaseMs: watch.backoffBaseMs,
      backoffMaxMs: watch.backoffMaxMs,
    },
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description("reads Wikimedia's live change stream into the change index (one watcher at a time)")
    .action(async (_options: unknown, command: Command) => {
      const config = configOf(command);
      const log = commandLogger(config, true);
      const redis = connectRedis(config.redis, log);
      try {
        const watcher = startRuntimeWatch({ config, redis, log });
        writeErr(`factsync watch ${process.pid} started (Ctrl-C or SIGTERM to stop)\n`);
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        await watcher.stop();
        log.info({ signal, ...watcher.stats }, 'watch stopped');
      } finally {
        redis.disconnect();
      }
    });
}
