// `factsync sync` and `factsync status` as a user runs them (not on a terminal): the summary, the report,
// plain progress lines; running its own workers when none is up, and using a worker process when one is.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_QUEUE, openQueue } from '../../src/jobs/queues.js';
import { liveWorkers } from '../../src/jobs/sync.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { killChildren, ROOT, runCli, spawnCli, startWorkerChild } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

const ENTITIES = 40;
const BATCHES = 4;

let install: TestInstall;
let batches: Queue;

beforeAll(async () => {
  install = await testInstall('cli', {
    entities: ENTITIES,
    fake: { latencyMs: 10 },
    file: { sync: { batchSize: 10 } },
  });
  batches = openQueue(install.runtime.settings, BATCH_QUEUE);
});

afterAll(async () => {
  await killChildren();
  await batches?.close();
  await install?.close();
});

const cli = (...args: string[]) => runCli(['--config', install.configFile, ...args], install.env);

/** The run id a `sync` summary starts with. */
function runIdOf(stdout: string): string {
  const id = /^run (\S+) \(one-off\) done in \d+\.\d s$/m.exec(stdout)?.[1];
  expect(id, stdout).toBeDefined();
  return id as string;
}

/** Which worker processes ran the run's batches (BullMQ records the worker's name on the job). */
async function processedBy(runId: string): Promise<string[]> {
  const done = (await batches.getCompleted(0, -1)).filter((job) => job.data.runId === runId);
  expect(done).toHaveLength(BATCHES);
  return [...new Set(done.map((job) => job.processedBy ?? '?'))];
}

describe('factsync sync', () => {
  let firstRun: string;

  it('with no worker running, runs its own and prints the summary and the report path', async () => {
    const { code, stdout, stderr } = await cli('sync');
    expect(code, stderr).toBe(0);
    firstRun = runIdOf(stdout);
    const run = await install.runtime.store.getRun(firstRun);
    expect(run?.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });

    const lines = stdout.trimEnd().split('\n');
    expect(lines[1]).toBe(
      `entities: ${ENTITIES} seen, ${ENTITIES} fetched, 0 unchanged (skipped), 0 failed, 0 unreadable`,
    );
    const kinds = Object.entries(run?.proposals.byKind ?? {})
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([kind, n]) => `${kind} ${n}`);
    expect(kinds.length).toBeGreaterThan(0);
    expect(lines[2]).toBe(
      `proposals: ${run?.proposals.created} new, 0 still open, 0 resolved, 0 superseded — findings: ${kinds.join(', ')}`,
    );
    expect(run?.proposals.created).toBe(await install.runtime.store.count({}));
    expect(lines[3]).toMatch(/^requests: .*wbgetentities \d+ \(/);
    const report = /^report: (\S+\.html) \(also \.md and \.json\)$/.exec(lines.at(-1) ?? '')?.[1];
    expect(report, stdout).toBeDefined();
    for (const ext of ['.html', '.md', '.json'])
      expect(existsSync(path.resolve(ROOT, (report as string).replace(/\.html$/, ext))), ext).toBe(true);

    // Not a terminal: plain progress lines, no progress bar.
    expect(stderr).toMatch(/^progress: \d+\/\d+\+? batches, \d+ entities$/m);
    expect(stderr).not.toContain('\u001b[');

    // It ran the batches itself, and its workers are gone with it.
    const runner = await processedBy(firstRun);
    expect(runner).toHaveLength(1);
    expect(runner[0]).toMatch(/^factsync-sync-\d+$/);
    const status = await cli('status');
    expect(status.stdout).toContain('workers: 0 — start one with `factsync worker`');
  });

  it('with a worker running, hands the run to it', async () => {
    const worker = await startWorkerChild(install);
    const during = await cli('status');
    expect(during.stdout).toMatch(/^workers: 1 \(/m);
    expect(await liveWorkers(install.runtime)).toBe(1);

    const { code, stdout, stderr } = await cli('sync');
    expect(code, stderr).toBe(0);
    const runId = runIdOf(stdout);
    // Unchanged data: revision checks only.
    expect(stdout).toContain(
      `entities: ${ENTITIES} seen, 0 fetched, ${ENTITIES} unchanged (skipped), 0 failed`,
    );
    expect(await processedBy(runId)).toEqual([`factsync-worker-${worker.pid}`]);
    expect(worker.running()).toBe(true);

    // Once the worker is gone, sync runs in-process again.
    worker.process.kill('SIGKILL');
    await worker.exited;
    const again = await cli('sync');
    expect(again.code, again.stderr).toBe(0);
    const [runner] = await processedBy(runIdOf(again.stdout));
    expect(runner).toMatch(/^factsync-sync-\d+$/);
  });
});

describe('two factsync sync at once', () => {
  it('both finish: the second does not rely on the workers the first runs for itself', async () => {
    // Its own installation, slow enough for the first sync to be busy when the second starts.
    const busy = await testInstall('cli-twice', {
      entities: 200,
      fake: { latencyMs: 30 },
      file: { sync: { batchSize: 10 }, worker: { concurrency: 1 } },
    });
    const queue = openQueue(busy.runtime.settings, BATCH_QUEUE);
    try {
      const first = spawnCli(['--config', busy.configFile, 'sync'], busy.env);
      // The first sync's own workers are up and busy with its run.
      await waitFor('the first sync to be working', async () => (await queue.getActiveCount()) > 0);
      expect(await queue.getWorkers()).toHaveLength(1);
      expect(await liveWorkers(busy.runtime)).toBe(0);

      const second = spawnCli(['--config', busy.configFile, 'sync', 'gen-3'], busy.env);
      expect(await first.exited).toEqual({ code: 0, signal: null });
      await waitFor('the second sync to finish', () => !second.running(), { timeoutMs: 45_000 }).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}\n${second.stderr().slice(-1000)}`);
        },
      );
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(second.stdout()).toMatch(/^entities: 1 seen, /m);
    } finally {
      await queue.close();
      await busy.close();
    }
  }, 90_000);
});

describe('factsync status', () => {
  it('prints the queues, the workers, the schedule and the last runs', async () => {
    const { code, stdout, stderr } = await cli('status');
    expect(code, stderr).toBe(0);
    // First which store this is, and its Redis prefix (set for this install, so not derived).
    const [store, prefix, ...lines] = stdout.trimEnd().split('\n');
    expect(store).toBe(`store: sqlite:${path.join(install.dir, 'factsync.db')}`);
    expect(prefix).toBe(`redis prefix: ${install.prefix} (set by redis.prefix: give every store its own)`);
    expect(lines[0]).toBe('queues:');
    expect(lines[1]).toMatch(
      /^ {2}runs {5}waiting 0 · prioritized 0 · active 0 · delayed 1 · waiting-children 0 · completed \d+ · failed 0$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}batches {2}waiting 0 · prioritized 0 · active 0 · delayed 0 · waiting-children 0 · completed 12 · failed 0$/,
    );
    expect(lines[3]).toBe('workers: 0 — start one with `factsync worker`');
    // The worker of the previous test registered the config's schedule.
    expect(lines[4]).toMatch(/^schedule: "0 3 \* \* \*" in UTC, next \d{4}-\d\d-\d\dT03:00:00\.000Z$/);
    // The budget all workers share: this install raised the hour, so the minute (auto) follows it.
    expect(lines.slice(5, 8)).toEqual([
      'request budget (all workers):',
      expect.stringMatching(/^ {2}spent: \d+ of 166667 this minute, \d+ of 10000000 this hour$/),
      expect.stringMatching(/^ {2}left: \d+ now \(33333 of each minute kept for refreshes\)$/),
    ]);
    expect(lines[8]).toBe('last runs:');
    const runs = await install.runtime.store.listRuns(5);
    expect(runs).toHaveLength(3);
    expect(lines.slice(9)).toEqual(
      runs.map(
        (run) =>
          `  ${run.id}  one-off  done    ${ENTITIES} entities, ${run.proposals.created} new proposals, 0 failed`,
      ),
    );

    const json = await cli('status', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      store: Record<string, unknown>;
      queues: Record<string, Record<string, number>>;
      workers: unknown[];
      runs: { id: string }[];
    };
    expect(parsed.store).toEqual({
      store: `sqlite:${path.join(install.dir, 'factsync.db')}`,
      prefix: install.prefix,
      derived: false,
      shared: install.prefix,
      legacyState: false,
    });
    expect(parsed.queues.batches?.completed).toBe(12);
    expect(parsed.workers).toEqual([]);
    expect(parsed.runs.map((r) => r.id)).toEqual(runs.map((r) => r.id));
  });
});
