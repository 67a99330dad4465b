// The typed registry of factsync's jobs: each job name with its payload (JobPayloads, queues.ts), its
// result, the queue it runs on and its processor — one file per job (start-run.ts, plan-run.ts,
// sync-batch.ts, finalise-run.ts). The workers (worker.ts) dispatch from here: the lookup is typed by
// the job's name, so each processor gets its own payload type, and a name that is not a job of the
// queue it came on fails.

import type { Job } from 'bullmq';
import type { ReportPaths } from '../sinks/report/index.js';
import { processFinalise } from './finalise-run.js';
import { type PlanSummary, processPlan } from './plan-run.js';
import { BATCH_QUEUE, type JobName, type JobPayloads, RUN_QUEUE } from './queues.js';
import type { Runtime } from './runtime.js';
import { type StartedRun, startRun } from './start-run.js';
import { type BatchSummary, processBatch } from './sync-batch.js';

/** What each job returns: BullMQ keeps it, and a run's finalise job reads its children's. */
export interface JobResults {
  'start-run': StartedRun;
  'plan-run': PlanSummary;
  'sync-batch': BatchSummary;
  'finalise-run': ReportPaths;
}

export type QueueName = typeof RUN_QUEUE | typeof BATCH_QUEUE;

interface JobEntry<N extends JobName> {
  readonly queue: QueueName;
  process(job: Job<JobPayloads[N], JobResults[N]>, runtime: Runtime): Promise<JobResults[N]>;
}

export const JOBS: { readonly [N in JobName]: JobEntry<N> } = {
  /** Fired by the nightly scheduler: creates a run's flow. */
  'start-run': { queue: RUN_QUEUE, process: (job, runtime) => startRun(runtime.settings, job.data) },
  'plan-run': { queue: RUN_QUEUE, process: processPlan },
  'sync-batch': { queue: BATCH_QUEUE, process: processBatch },
  'finalise-run': {
    queue: RUN_QUEUE,
    process: async (job, runtime) => (await processFinalise(job, runtime)).reports,
  },
};

const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

/** Runs a job that came on `queue` with its processor; a name that is not one of that queue's jobs throws. */
export async function processJob(queue: QueueName, job: Job, runtime: Runtime): Promise<unknown> {
  const name = job.name;
  if (!isJobName(name) || JOBS[name].queue !== queue)
    throw new Error(`unknown job "${job.name}" on the ${queue} queue`);
  return processAs(name, job, runtime);
}

/** The lookup by a name's own type: the registry's entry for N takes N's payload. */
function processAs<N extends JobName>(
  name: N,
  job: Job<JobPayloads[N], JobResults[N]>,
  runtime: Runtime,
): Promise<JobResults[N]> {
  return JOBS[name].process(job, runtime);
}
