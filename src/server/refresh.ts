// "Refresh now" from an entity's page: a manual refresh run for that one entity (jobs/refresh.ts: an
// entity already waiting is not queued twice), and where a run stands, for the page's live progress.

import type { Queue } from 'bullmq';
import type { ProgressTracker, RunProgress } from '../jobs/progress.js';
import { type RefreshContext, requestRefresh } from '../jobs/refresh.js';
import type { RunRecord } from '../model/run.js';
import { jobIds } from '../redis-keys.js';
import type { ProposalStore } from '../sinks/store.js';

export interface RefreshDeps extends RefreshContext {
  readonly store: ProposalStore;
  readonly runs: Queue;
  readonly batches: Queue;
  readonly progress: ProgressTracker;
}

export type PageRefresh =
  | { readonly queued: true; readonly runId: string }
  /** Already waiting: `runId` when the queue still knows its run, else undefined. */
  | { readonly queued: false; readonly runId?: string };

/** The page's refresh of one entity: its run, or the run it is already waiting for. */
export async function refreshEntity(deps: RefreshDeps, key: string): Promise<PageRefresh> {
  const request = await requestRefresh(deps, [key]);
  if (request.started) return { queued: true, runId: request.started.runId };
  const pending = request.pending.get(key);
  const known = pending !== undefined && (await deps.runs.getJob(jobIds.finalise(pending))) !== undefined;
  return known ? { queued: false, runId: pending } : { queued: false };
}

export type RunState = 'waiting-for-worker' | 'queued' | 'running' | 'done' | 'partial' | 'failed';

export interface RunStatus {
  readonly runId: string;
  readonly state: RunState;
  readonly message: string;
  readonly workers: number;
  readonly progress: RunProgress;
  readonly run?: Pick<RunRecord, 'status' | 'counts' | 'proposals' | 'finishedAt' | 'unreachable'>;
}

/** A finished run in a sentence: "Done: …", "Partly done: … 1 could not be compared", "Failed: …". */
export function doneMessage(run: Pick<RunRecord, 'status' | 'counts' | 'proposals' | 'unreachable'>): string {
  const p = run.proposals;
  const figures = `${p.created} new, ${p.seen} still open, ${p.resolved} resolved, ${p.superseded} superseded`;
  const failed = `${run.counts.failed} could not be compared (see the run's report)`;
  if (run.status === 'partial') return `Partly done: ${figures}; ${failed}.`;
  if (run.status === 'failed')
    return `Failed: ${(run.unreachable ?? []).map((h) => h.reason).join('; ') || failed}.`;
  return `Done: ${figures}.`;
}

/** Where a run stands; undefined when no such run is known (neither in the store nor queued). */
export async function runStatus(deps: RefreshDeps, runId: string): Promise<RunStatus | undefined> {
  const [run, job, progress] = await Promise.all([
    deps.store.getRun(runId),
    deps.runs.getJob(jobIds.finalise(runId)),
    deps.progress.get(runId),
  ]);
  if (!run && !job) return undefined;
  const summary = run
    ? {
        status: run.status,
        counts: run.counts,
        proposals: run.proposals,
        finishedAt: run.finishedAt,
        ...(run.unreachable ? { unreachable: run.unreachable } : {}),
      }
    : undefined;
  const base = { runId, progress, ...(summary ? { run: summary } : {}) };
  if (run && run.status !== 'running')
    return {
      ...base,
      state: run.status,
      workers: 0,
      message: doneMessage(run),
    };
  if (job && (await job.getState()) === 'failed')
    return {
      ...base,
      state: 'failed',
      workers: 0,
      message: `The run failed: ${job.failedReason ?? 'unknown'}`,
    };
  // `liveWorkers` counts the same: workers on the batches queue, across all processes.
  const workers = (await deps.batches.getWorkers()).length;
  if (workers === 0)
    return {
      ...base,
      state: 'waiting-for-worker',
      workers,
      message: 'Queued, waiting for a worker: none is running (start one with `factsync worker`).',
    };
  if (!run || progress.batches === 0)
    return { ...base, state: 'queued', workers, message: 'Queued: a worker will pick it up in a moment…' };
  return {
    ...base,
    state: 'running',
    workers,
    message: `Running: ${progress.done} of ${progress.batches}${progress.planned ? '' : '+'} batches done, ${progress.entities} entities checked…`,
  };
}
