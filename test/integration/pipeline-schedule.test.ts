// The nightly schedule: one BullMQ job scheduler on the runs queue, however many workers register it;
// `factsync schedule` shows, changes and clears it, and what it says outlives worker restarts.

import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { type Child, killChildren, runCli, startWorkerChild } from '../support/spawn.js';

let install: TestInstall;
let runs: Queue;

beforeAll(async () => {
  install = await testInstall('schedule', { entities: 5 });
  runs = openQueue(install.runtime.settings, RUN_QUEUE);
});

afterAll(async () => {
  await killChildren();
  await runs?.close();
  await install?.close();
});

const schedule = (...args: string[]) =>
  runCli(['--config', install.configFile, 'schedule', ...args], install.env);

async function stop(...workers: Child[]): Promise<void> {
  for (const worker of workers) worker.process.kill('SIGTERM');
  for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null });
}

/** The schedulers on the runs queue, and the start-run jobs they have queued for their next fire time. */
async function schedulers() {
  const all = await runs.getJobSchedulers(0, -1);
  const delayed = (await runs.getDelayed(0, -1)).filter((job) => job.name === 'start-run');
  return { all: all.map((s) => ({ id: s.key, pattern: s.pattern, tz: s.tz })), delayed: delayed.length };
}

const parisClock = (date: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);

describe('the nightly schedule', () => {
  it('is off until a worker registers it', async () => {
    const { code, stdout } = await schedule();
    expect(code).toBe(0);
    expect(stdout).toBe('schedule: off (no worker has registered it yet)\n');
  });

  it('is registered once by two workers starting at the same time', async () => {
    const workers = await Promise.all([startWorkerChild(install), startWorkerChild(install)]);
    expect(await schedulers()).toEqual({
      all: [{ id: 'nightly', pattern: '0 3 * * *', tz: 'UTC' }],
      delayed: 1,
    });
    const { stdout } = await schedule();
    expect(stdout).toMatch(
      /^schedule: "0 3 \* \* \*" in UTC \(from the config\); next run \d{4}-\d\d-\d\dT03:00:00\.000Z\n$/,
    );
    await stop(...workers);
  });

  it('set with --cron and --tz: shows it with its next fire time, and workers keep it', async () => {
    const { code, stdout, stderr } = await schedule('--cron', '0 4 * * *', '--tz', 'Europe/Paris');
    expect(code, stderr).toBe(0);
    const next =
      /^schedule: "0 4 \* \* \*" in Europe\/Paris \(from `factsync schedule`\); next run (\S+)\n$/.exec(
        stdout,
      )?.[1];
    expect(next, stdout).toBeDefined();
    const at = new Date(next as string);
    expect(parisClock(at)).toBe('04:00:00');
    expect(at.getTime()).toBeGreaterThan(Date.now());
    expect(at.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3600 * 1000);
    // The scheduler changed in place: one scheduler, one queued nightly run.
    expect(await schedulers()).toEqual({
      all: [{ id: 'nightly', pattern: '0 4 * * *', tz: 'Europe/Paris' }],
      delayed: 1,
    });

    // Workers start with the config's "0 3 * * *" UTC, but what `factsync schedule` said wins.
    const workers = await Promise.all([startWorkerChild(install), startWorkerChild(install)]);
    expect((await schedulers()).all).toEqual([{ id: 'nightly', pattern: '0 4 * * *', tz: 'Europe/Paris' }]);
    await stop(...workers);
  });

  it('rejects an invalid cron with exit 2 naming --cron, and keeps the schedule', async () => {
    const bad = await schedule('--cron', '61 25 * * *');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cron');
    expect(bad.stdout).toBe('');
    const garbage = await schedule('--cron', 'every night');
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('--cron');
    const both = await schedule('--off', '--cron', '0 4 * * *');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--off');
    expect((await schedulers()).all).toEqual([{ id: 'nightly', pattern: '0 4 * * *', tz: 'Europe/Paris' }]);
  });

  it('--off removes it, and a worker restart does not bring it back', async () => {
    const worker = await startWorkerChild(install);
    const { code, stdout } = await schedule('--off');
    expect(code).toBe(0);
    expect(stdout).toBe('schedule: off (cleared with `factsync schedule --off`)\n');
    expect(await schedulers()).toEqual({ all: [], delayed: 0 });

    await stop(worker);
    const restarted = await startWorkerChild(install);
    expect(await schedulers()).toEqual({ all: [], delayed: 0 });
    expect((await schedule()).stdout).toBe('schedule: off (cleared with `factsync schedule --off`)\n');
    await stop(restarted);
  });
});
