// `factsync worker [--concurrency N]`: long-running workers; registers the nightly schedule from config.
// SIGTERM or SIGINT stops it gracefully: the jobs in hand finish (or go back to the queue at the
// deadline), then the process exits. While it runs it beats (jobs/heartbeat.ts); `--check` reads the beat.

import { hostname } from 'node:os';
import type { Command } from 'commander';
import { startHeartbeat } from '../jobs/heartbeat.js';
import { registerSchedule } from '../jobs/scheduler.js';
import { startWorkers } from '../jobs/worker.js';
import { configOf } from './context.js';
import { UsageError } from './errors.js';
import { writeErr } from './output.js';
import { withRuntime } from './runtime-context.js';
import { startRuntimeWatch } from './watch.js';
import { checkWorker } from './worker-check.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('long-running workers; registers the nightly schedule from config')
    .option('--concurrency <n>', 'batches this process runs at once (worker.concurrency)')
    .option('--check', 'health check: exit 0 if a worker on this host beat in the last 30 s, else 1')
    .option('--watch', "also read Wikimedia's live change stream (factsync watch; one watcher at a time)")
    .action(async (options: { concurrency?: string; check?: boolean; watch?: boolean }, command: Command) => {
      if (options.check) return checkWorker(configOf(command));
      const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
      if (
        concurrency !== undefined &&
        (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      ) {
        throw new UsageError('--concurrency: expected a whole number from 1 to 64');
      }
      await withRuntime(command, { embedded: false, longRunning: true }, async (runtime) => {
        const { config, log } = runtime;
        await registerSchedule(runtime.settings, runtime.redis, config.schedule);
        const workers = startWorkers(runtime, {
          concurrency: concurrency ?? config.worker.concurrency,
          name: `factsync-worker-${process.pid}`,
        });
        const watcher = options.watch ? startRuntimeWatch(runtime) : undefined;
        const heartbeat = startHeartbeat(runtime.redis, {
          prefix: runtime.settings.prefix,
          host: hostname(),
          pid: process.pid,
          alive: () => workers.run.isRunning() && workers.batch.isRunning(),
        });
        log.info(
          {
            concurrency: concurrency ?? config.worker.concurrency,
            schedule: config.schedule,
            store: runtime.scope.store,
            prefix: runtime.scope.prefix,
          },
          'worker ready',
        );
        writeErr(`factsync worker ${process.pid} ready (Ctrl-C or SIGTERM to stop)\n`);
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        log.info(
          { signal, deadlineMs: config.worker.shutdownTimeoutMs },
          'stopping: finishing the jobs in hand',
        );
        // A stopping worker takes no new jobs: it is no longer one the health check should count.
        await heartbeat.stop();
        await watcher?.stop();
        const { graceful } = await workers.close(config.worker.shutdownTimeoutMs);
        log.info(
          { graceful },
          graceful ? 'stopped' : 'stopped at the deadline; unfinished jobs go back to the queue',
        );
      });
    });
}
