// Store outage: the PostgreSQL proposal store (DATABASE_URL) goes away for 30 s in the middle of a run.
// A private cluster (initdb + pg_ctl in a temp dir, on a free port) is stopped and started, so the
// machine's shared PostgreSQL and the tests using it are not disturbed.
//
// Two installations share the outage, each with one worker process:
// - `patient`, with worker.attempts 8: a batch whose reconcile finds the store gone fails that attempt
//   and BullMQ retries it with exponential backoff from 2 s (2, 4, 8, 16, 32… s: the 5th attempt comes
//   30 s after the first, the 6th 62 s after), so every batch outlives a 30-s outage. The run completes
//   with nothing lost and the proposals of a clean run.
// - `defaults`, with the shipped worker.attempts (3): a store call that finds PostgreSQL gone waits for
//   it (src/sinks/waiting-store.ts, up to store.maxWaitMs) instead of failing the attempt, so no batch
//   fails and the run completes. (Before that wrapper, the batches failed for good and the run's finalise
//   job too: the run never finished.)
//
// In each install one reconcile is inside its transaction when the store stops: the test holds the
// advisory lock of one entity (the one reconcile takes) from the start, and stops PostgreSQL only once
// that entity's reconcile waits for it. (A worker once died of exactly that: the dying connection's
// 'error' on a checked-out client went unheard and was thrown.)

import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_QUEUE, openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { startRun } from '../../src/jobs/start-run.js';
import { syncNow } from '../../src/jobs/sync.js';
import type { RunRecord } from '../../src/model/run.js';
import { ENTITY_LOCK_SPACE } from '../../src/sinks/postgres.js';
import type { TestInstall } from '../support/install.js';
import { proposalLines } from '../support/proposals.js';
import { type Child, killChildren, startWorkerChild } from '../support/spawn.js';
import { sleep, waitFor } from '../support/wait.js';
import {
  finishedRun,
  install,
  type PrivatePostgres,
  privatePostgresPossible,
  recordFigures,
  seconds,
  sharedPostgres,
  startPrivatePostgres,
  timeFile,
} from './helpers.js';

timeFile('store-outage');

const ENTITIES = 600;
const OUTAGE_MS = 30_000;
const SHAPE = {
  sync: { batchSize: 10, strategy: 'sweep' },
  http: { concurrency: 8, ratePerSecond: 1000, budgetPerHour: 10_000_000, timeoutMs: 5000, retries: 2 },
  worker: { concurrency: 2, lockDurationMs: 5000, shutdownTimeoutMs: 5000 },
};
const LATENCY_MS = 50;
/** The entity whose reconcile is in flight when the store stops: in the 16th batch of 60. */
const PARKED = 'gen-150';

const installs: TestInstall[] = [];
const queues: Queue[] = [];
const databases: string[] = [];
let cluster: PrivatePostgres;
let cleanLines: string[];

beforeAll(async () => {
  // Where a private cluster cannot be made (no initdb, no postgres user), the shared one is stopped
  // and started instead, through pg_ctlcluster, for exactly OUTAGE_MS: every other user of it sees
  // the outage too, so the suite runs after `npm test`, never alongside it.
  cluster = privatePostgresPossible() ? await startPrivatePostgres() : sharedPostgres();
  const clean = await install('outage-clean', { entities: ENTITIES, file: SHAPE });
  installs.push(clean);
  const { run } = await syncNow(clean.runtime, { trigger: 'one-off' });
  expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0 });
  cleanLines = await proposalLines(clean.runtime.store);
});

afterAll(async () => {
  await killChildren();
  await Promise.allSettled(queues.map((q) => q.close()));
  await Promise.allSettled(installs.map((i) => i.close()));
  if (!cluster?.private && databases.length > 0) {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  await cluster?.destroy();
});

async function postgresInstall(name: string, attempts: number | undefined): Promise<TestInstall> {
  const database = `factsync_rel_${name}_${randomUUID().slice(0, 8)}`;
  await cluster.createDatabase(database);
  databases.push(database);
  const target = await install(name, {
    fake: { latencyMs: LATENCY_MS },
    entities: ENTITIES,
    file: attempts === undefined ? SHAPE : { ...SHAPE, worker: { ...SHAPE.worker, attempts } },
    env: { DATABASE_URL: cluster.url(database) },
    logLevel: 'info',
  });
  installs.push(target);
  return target;
}

/** The PARKED entity's lock, held by a session of our own in the install's database until the stop. */
async function lockParked(target: TestInstall): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: target.env.DATABASE_URL });
  locker.on('error', () => undefined);
  await locker.connect();
  await locker.query('SELECT pg_advisory_lock($1, hashtext($2))', [ENTITY_LOCK_SPACE, PARKED]);
  return locker;
}

/**
 * The run's finalise job, once it has finished or failed for good (the store may not know the run then).
 */
async function runOutcome(
  target: TestInstall,
  runId: string,
  worker: Child,
): Promise<'completed' | 'failed'> {
  const runs = openQueue(target.runtime.settings, RUN_QUEUE);
  queues.push(runs);
  return explained(target, runId, worker, () =>
    waitFor(
      `the run ${runId} to end`,
      async () => {
        const state = await (await runs.getJob(`finalise-${runId}`))?.getState();
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    ),
  );
}

/**
 * `wait`, and if it fails, an error that says where the run stands: the finalise job's state, the
 * queues' counts, whether the worker still runs, and its last log lines.
 */
async function explained<T>(
  target: TestInstall,
  runId: string,
  worker: Child,
  wait: () => Promise<T>,
): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const runs = openQueue(target.runtime.settings, RUN_QUEUE);
    const batches = openQueue(target.runtime.settings, BATCH_QUEUE);
    queues.push(runs, batches);
    const finalise = await runs.getJob(`finalise-${runId}`);
    const where = {
      finalise: finalise ? await finalise.getState() : '(no job)',
      finaliseDependencies: await finalise?.getDependenciesCount(),
      runJobs: await runs.getJobCounts(),
      batchJobs: await batches.getJobCounts(),
      workerRunning: worker.running(),
    };
    throw new Error(
      `${String(error)}\n${JSON.stringify(where)}\nworker stderr:\n${worker.stderr().slice(-6000)}\nworker stdout:\n${worker.stdout().slice(-3000)}`,
    );
  }
}

interface Outcome {
  planned: number;
  patientRun: RunRecord;
  patientCompleted: number;
  patientFailed: number;
  patientRetried: number;
  patientLines: string[];
  defaultsRecord: RunRecord | undefined;
  defaultsFinalise: 'completed' | 'failed';
  defaultsFailedReasons: string[];
}
let outcome: Outcome;

/**
 * The scenario, once for both tests: the two runs under way, the store stopped for 30 s and started
 * again, then both runs followed to their end.
 */
async function outageScenario(): Promise<Outcome> {
  const patient = await postgresInstall('patient', 8);
  const defaults = await postgresInstall('defaults', undefined);
  expect(patient.config.store.kind).toBe('postgres');
  expect(defaults.config.worker.attempts).toBe(3);
  const patientWorker = await startWorkerChild(patient);
  const defaultsWorker = await startWorkerChild(defaults);
  const lockers = await Promise.all([lockParked(patient), lockParked(defaults)]);

  const started = Date.now();
  const [patientRun, defaultsRun] = (
    await Promise.all([patient, defaults].map((t) => startRun(t.runtime.settings, { trigger: 'nightly' })))
  ).map((r) => r.runId) as [string, string];
  const pairs = [
    [patient, patientRun, lockers[0]],
    [defaults, defaultsRun, lockers[1]],
  ] as const;
  // Both runs planned and a fifth of the way through, with plenty left, and the PARKED entity's
  // reconcile waiting for its lock inside its transaction.
  let planned = 0;
  for (const [target, runId, locker] of pairs) {
    planned = await waitFor(
      `run ${runId} under way, with ${PARKED}'s reconcile waiting for its lock`,
      async () => {
        const p = await target.runtime.progress.get(runId);
        if (!p.planned || p.done < Math.ceil(p.batches / 5) || p.done >= p.batches - 10) return undefined;
        const { rowCount } = await locker.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        return rowCount ? p.batches : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
  }
  const doneAtStop = await Promise.all(pairs.map(async ([t, id]) => (await t.runtime.progress.get(id)).done));

  await cluster.stop();
  const down = Date.now();
  await Promise.allSettled(lockers.map((locker) => locker.end()));
  await sleep(OUTAGE_MS);
  const outageMs = Date.now() - down;
  await cluster.start();
  const back = Date.now();

  const patientRecord = await explained(patient, patientRun, patientWorker, () =>
    finishedRun(patient, patientRun, 240_000),
  );
  const patientMs = Date.now() - started;
  const batches = openQueue(patient.runtime.settings, BATCH_QUEUE);
  queues.push(batches);
  const completed = await batches.getCompleted(0, -1);
  const retried = completed.filter((job) => job.attemptsMade > 1);
  const lines = await proposalLines(patient.runtime.store);

  const defaultsFinalise = await runOutcome(defaults, defaultsRun, defaultsWorker);
  const defaultsRecord = await defaults.runtime.store.getRun(defaultsRun);
  const defaultsBatches = openQueue(defaults.runtime.settings, BATCH_QUEUE);
  queues.push(defaultsBatches);
  const defaultsFailed = await defaultsBatches.getFailed(0, -1);
  const defaultsRuns = openQueue(defaults.runtime.settings, RUN_QUEUE);
  queues.push(defaultsRuns);
  const defaultsFinaliseJob = await defaultsRuns.getJob(`finalise-${defaultsRun}`);

  recordFigures('store-outage', {
    entities: ENTITIES,
    batches: planned,
    cluster: cluster.private
      ? 'a private cluster (initdb + pg_ctl, temp dir, free port)'
      : 'the shared cluster (pg_ctlcluster)',
    outageSeconds: seconds(outageMs),
    outageStartedAfterSeconds: seconds(down - started),
    parked: PARKED,
    batchesDoneAtStop: { patient: doneAtStop[0], defaults: doneAtStop[1] },
    patient: {
      attempts: 8,
      runCounts: patientRecord.counts,
      failures: patientRecord.failures.length,
      batchesRetried: retried.length,
      maxAttemptsUsed: Math.max(...completed.map((job) => job.attemptsMade)),
      runSeconds: seconds(patientMs),
      secondsAfterStoreBack: seconds(Date.now() - back),
      proposals: {
        clean: cleanLines.length,
        patient: lines.length,
        equal: lines.join('\n') === cleanLines.join('\n'),
      },
    },
    defaults: {
      attempts: 3,
      finaliseJob: defaultsFinalise,
      finaliseFailedReason: defaultsFinaliseJob?.failedReason?.replace(/postgres:\/\/\S+/, 'postgres://…'),
      runStatus: defaultsRecord?.status ?? '(no record)',
      runCounts: defaultsRecord?.counts,
      batchesFailedForGood: defaultsFailed.length,
      reasons: [
        ...new Set(defaultsFailed.map((job) => job.failedReason.replace(/postgres:\/\/\S+/, 'postgres://…'))),
      ],
      survived: defaultsRecord?.status === 'done' && defaultsRecord.counts.failed === 0,
    },
  });
  return {
    planned,
    patientRun: patientRecord,
    patientCompleted: completed.length,
    patientFailed: await batches.getFailedCount(),
    patientRetried: retried.length,
    patientLines: lines,
    defaultsRecord,
    defaultsFinalise,
    defaultsFailedReasons: defaultsFailed.map((job) => job.failedReason),
  };
}

describe('PostgreSQL unreachable for 30 s mid-run', () => {
  beforeAll(async () => {
    outcome = await outageScenario();
  }, 300_000);

  it('with worker.attempts 8: batches wait for the store, the run completes with nothing lost', () => {
    const { patientRun: run } = outcome;
    expect(run.counts).toMatchObject({ seen: ENTITIES, failed: 0, unreadable: 0 });
    expect(run.failures).toEqual([]);
    expect(outcome.patientCompleted).toBe(outcome.planned);
    expect(outcome.patientFailed).toBe(0);
    expect(outcome.patientLines).toEqual(cleanLines);
  });

  it('with the default worker.attempts (3), no batch fails: each call waits for the store (store.maxWaitMs)', () => {
    expect(outcome.defaultsFailedReasons).toEqual([]);
  });

  it('with the default worker.attempts (3), the run survives a 30-s outage', () => {
    const record = outcome.defaultsRecord;
    expect(outcome.defaultsFinalise).toBe('completed');
    expect(record?.status).toBe('done');
    expect(record?.counts).toMatchObject({ seen: ENTITIES, failed: 0 });
  });
});
