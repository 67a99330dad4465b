// The `start-run` job, and starting a run from anywhere (the CLI, the server, a refresh): a run is a
// BullMQ flow. `startRun` adds its parent (`finalise-run`, finalise-run.ts) with one child (`plan-run`,
// plan-run.ts) and returns at once: the plan job adds the `sync-batch` children (sync-batch.ts), and
// when every child is done or has failed for good (`ignoreDependencyOnFailure`: a failed batch never
// holds the run up), the finalise job adds everything up.

import { FlowProducer } from 'bullmq';
import type { RunTrigger } from '../model/run.js';
import { jobIds, RUN_QUEUE, TTL } from '../redis-keys.js';
import {
  type JobPayloads,
  jobOptions,
  newRunId,
  PRIORITY,
  type QueueSettings,
  type RunSpec,
} from './queues.js';

export interface StartedRun {
  readonly runId: string;
  readonly finaliseJobId: string;
}

/** Adds a run's flow; returns at once (workers do the rest). */
export async function startRun(
  settings: QueueSettings,
  spec: { trigger: RunTrigger; scope?: readonly string[]; full?: boolean; runId?: string },
): Promise<StartedRun> {
  const runId = spec.runId ?? newRunId();
  const data: RunSpec = {
    runId,
    store: settings.store,
    trigger: spec.trigger,
    ...(spec.scope?.length ? { scope: spec.scope } : {}),
    ...(spec.full ? { full: true } : {}),
  };
  const flows = new FlowProducer({ connection: settings.connection, prefix: settings.prefix });
  const finaliseJobId = jobIds.finalise(runId);
  try {
    await flows.add({
      name: 'finalise-run',
      queueName: RUN_QUEUE,
      data: { ...data, startedAt: new Date().toISOString() } satisfies JobPayloads['finalise-run'],
      opts: jobOptions(settings, {
        jobId: finaliseJobId,
        removeOnComplete: { age: TTL.completedRuns, count: 1000 },
      }),
      children: [
        {
          name: 'plan-run',
          queueName: RUN_QUEUE,
          data: data satisfies JobPayloads['plan-run'],
          // A refresh is planned ahead of nightly work too, not only fetched ahead of it.
          opts: jobOptions(settings, {
            jobId: jobIds.plan(runId),
            priority: PRIORITY[spec.trigger],
            ignoreDependencyOnFailure: true,
          }),
        },
      ],
    });
  } finally {
    await flows.close();
  }
  return { runId, finaliseJobId };
}
