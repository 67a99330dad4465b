// `factsync watch`: runs the EventStreams consumer (jobs/watch.ts) in this process until SIGTERM or
// SIGINT. `factsync worker --watch` runs the same inside a worker; either way one watcher at a time
// reads the stream (the others wait on its lease).

import type { Command } from 'commander';
import type { Runtime } from '../jobs/runtime.js';
import { startWatch, type Watcher } from '../jobs/watch.js';
import { EventStreamsSource } from '../sources/eventstreams.js';
import { writeErr } from './output.js';
import { withRuntime } from './runtime-context.js';

/** Starts the runtime's watcher (config.watch). */
export function startRuntimeWatch(runtime: Runtime): Watcher {
  const { config } = runtime;
  const watch = config.watch;
  return startWatch({
    redis: runtime.redis,
    prefix: runtime.settings.prefix,
    changes: runtime.changes,
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
      await withRuntime(command, { embedded: false, longRunning: true }, async (runtime) => {
        const watcher = startRuntimeWatch(runtime);
        writeErr(`factsync watch ${process.pid} started (Ctrl-C or SIGTERM to stop)\n`);
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        await watcher.stop();
        runtime.log.info({ signal, ...watcher.stats }, 'watch stopped');
      });
    });
}
