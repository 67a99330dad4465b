// One run now, waiting for it: what `factsync sync` and `refresh --wait` do (the refresh queues its run
// first, refresh.ts). Uses the workers that are running if there are any; otherwise runs its own in
// this process for the run's duration.

import { Job, QueueEvents } from 'bullmq';
import type { RunRecord, RunTrigger } from '../model/run.js';
import type { ReportPaths } from '../sinks/report/index.js';
import type { RunProgress } from './progress.js';
import { BATCH_QUEUE, openQueue, RUN_QUEUE } from './queues.js';
import type { Runtime } from './runtime.js';
import { type StartedRun, startRun } from './start-run.js';
import { startWorkers, type Workers } from './worker.js';

export interface WaitOptions {
  /** Called about twice a second while the run goes on. */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Whether to start workers here when none is running. */
  readonly ownWorkers?: boolean;
}

export interface SyncOptions extends WaitOptions {
  readonly trigger: RunTrigger;
  readonly scope?: readonly string[];
  readonly full?: boolean;
}

export interface SyncResult {
  readonly run: RunRecord;
  readonly reports: ReportPaths;
  /** Whether this process ran the jobs itself. */
  readonly inProcess: boolean;
}

/** The name of the workers a command runs for its own run (`factsync-sync-PID`). */
const OWN_WORKERS = 'factsync-sync-';

/**
 * Live long-running workers on the batches queue, across all processes. The workers another `sync` (or
 * `refresh --wait`) runs for itself do not count: they stop as soon as that command's run is done, and
 * a run that relied on them would wait forever.
 */
export async function liveWorkers(runtime: Runtime): Promise<number> {
  const queue = openQueue(runtime.settings, BATCH_QUEUE);
  try {
    // BullMQ names a worker's connection `{prefix}:{queue, base64}:w:{worker name}`.
    const workers = await queue.getWorkers();
    return workers.filter((w) => !(w.rawname ?? '').includes(`:w:${OWN_WORKERS}`)).length;
  } finally {
    await queue.close();
  }
}

export function syncNow(runtime: Runtime, options: SyncOptions): Promise<SyncResult> {
  return runToEnd(runtime, () => startRun(runtime.settings, options), options);
}

/** Waits for a run already queued, as `syncNow` waits for the one it queues. */
export function waitForRun(runtime: Runtime, started: StartedRun, options: WaitOptions): Promise<SyncResult> {
  return runToEnd(runtime, async () => started, options);
}

async function runToEnd(
  runtime: Runtime,
  start: () => Promise<StartedRun>,
  options: WaitOptions,
): Promise<SyncResult> {
  const inProcess = (options.ownWorkers ?? true) && (await liveWorkers(runtime)) === 0;
  const workers: Workers | undefined = inProcess
    ? startWorkers(runtime, {
        concurrency: runtime.config.worker.concurrency,
        name: `${OWN_WORKERS}${process.pid}`,
      })
    : undefined;
  const events = new QueueEvents(RUN_QUEUE, {
    connection: runtime.settings.connection,
    prefix: runtime.settings.prefix,
  });
  const runs = openQueue(runtime.settings, RUN_QUEUE);
  let timer: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    const started = await start();
    if (options.onProgress) {
      const report = options.onProgress;
      timer = setInterval(() => void runtime.progress.get(started.runId).then(report, () => undefined), 500);
    }
    const job = await Job.fromId(runs, started.finaliseJobId);
    if (!job) throw new Error(`run ${started.runId} vanished from the queue`);
    await job.waitUntilFinished(events);
    const run = await runtime.store.getRun(started.runId);
    const done = await Job.fromId(runs, started.finaliseJobId);
    if (!run || !done?.returnvalue) throw new Error(`run ${started.runId} finished without a record`);
    if (options.onProgress) options.onProgress(await runtime.progress.get(started.runId));
    return { run, reports: done.returnvalue as ReportPaths, inProcess };
  } finally {
    if (timer) clearInterval(timer);
    await events.close();
    await runs.close();
    await workers?.close(runtime.config.worker.shutdownTimeoutMs);
  }
}
