// "Refresh now" on an entity's page: the refresh is queued (once, however often it is asked for), the
// page says it waits for a worker, follows the run's progress live once one runs, then reloads with the
// new proposals. Real Redis, the fake Wikimedia, an in-process worker, a temp copy of examples/cards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type Workers } from '../../src/jobs/worker.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { type Browser, launchChromium } from './chromium.js';
import { rowIds, type Served, serve, signIn, TOKEN } from './harness.js';

let install: TestInstall;
let served: Served;
let browser: Browser;
let workers: Workers | undefined;

beforeAll(async () => {
  install = await testInstall('serve-refresh', { settings: { 'serve.token': TOKEN } });
  served = await serve(install.config, install.runtime.store, install.runtime.redis);
  browser = await launchChromium();
});

afterAll(async () => {
  await workers?.close(5_000);
  await browser?.close();
  await served?.close();
  await install?.close();
});

describe('Refresh now', () => {
  it('queues one refresh, shows its progress, then the new proposals', async () => {
    const page = await browser.context.newPage();
    await signIn(page, served.url);
    await page.goto(`${served.url}/entities/sora`);
    expect(await page.textContent('main')).toContain('No proposals for this entity yet.');

    await Promise.all([
      page.waitForURL(/\/entities\/sora\?run=/),
      page.click('button:has-text("Refresh now")'),
    ]);
    const runId = new URL(page.url()).searchParams.get('run') as string;
    const progress = page.locator('#refresh-progress [data-text]');
    await expect.poll(() => progress.textContent(), { timeout: 10_000 }).toContain('waiting for a worker');

    // Asked again while it waits: the same run, not a second one.
    await page.goto(`${served.url}/entities/sora`);
    await Promise.all([
      page.waitForURL(/\/entities\/sora\?run=/),
      page.click('button:has-text("Refresh now")'),
    ]);
    expect(new URL(page.url()).searchParams.get('run')).toBe(runId);

    workers = startWorkers(install.runtime, { concurrency: 2, name: 'factsync-serve-test' });
    await page.waitForURL(new RegExp(`/entities/sora\\?refreshed=${runId}$`), { timeout: 30_000 });
    expect(await page.textContent('.flash')).toMatch(/^Refresh done: \d+ new, 0 still open/);
    const stored = await install.runtime.store.list({ entity: 'sora' }, { limit: 100 });
    expect(stored.proposals.length).toBeGreaterThan(0);
    expect((await rowIds(page)).sort()).toEqual(stored.proposals.map((p) => p.id).sort());
    expect(await install.runtime.store.getRun(runId)).toMatchObject({
      trigger: 'refresh',
      scope: ['sora'],
      status: 'done',
      counts: { seen: 1, failed: 0 },
    });
    const api = await fetch(`${served.url}/api/runs/${runId}/progress`).then((r) => r.json());
    expect(api).toMatchObject({ runId, state: 'done', progress: { planned: true, done: 1 } });
  });
});
