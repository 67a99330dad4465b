// Screenshots of the review page for the README (docs/serve-*.png). Not a test; run by hand, with Redis
// on 127.0.0.1:6379 and Debian's Chromium:
//
//   node --import tsx test/browser/screenshots.ts
//
// It syncs the example cards against the fake Wikimedia (two nightly-like runs and a refresh), reviews
// a few proposals, serves the store, and photographs the main views in headless Chromium.

import path from 'node:path';
import { syncNow } from '../../src/jobs/sync.js';
import { testInstall } from '../support/install.js';
import { ROOT } from '../support/spawn.js';
import { launchChromium } from './chromium.js';
import { serve, signIn, TOKEN } from './harness.js';

const DOCS = path.join(ROOT, 'docs');

const install = await testInstall('screenshots', { settings: { 'serve.token': TOKEN } });
const browser = await launchChromium({ width: 1440, height: 1000 });
try {
  const { store } = install.runtime;
  const first = await syncNow(install.runtime, { trigger: 'one-off' });
  await syncNow(install.runtime, { trigger: 'one-off' });
  await syncNow(install.runtime, { trigger: 'refresh', scope: ['sora'] });
  const dalle = (await store.list({ entity: 'dall-e' }, { limit: 20 })).proposals;
  const byField = (field: string) => dalle.filter((p) => p.field === field).map((p) => p.id);
  await store.review(byField('published'), 'accepted', new Date().toISOString());
  await store.review(
    byField('announced'),
    'rejected',
    new Date().toISOString(),
    'announced at the blog post, not the paper',
  );

  const served = await serve(install.config, store, install.runtime.redis);
  try {
    const page = await browser.context.newPage();
    await signIn(page, served.url);
    const shoot = async (url: string, file: string, fullPage = false) => {
      await page.goto(`${served.url}${url}`);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(DOCS, file), fullPage });
      process.stderr.write(`docs/${file} ← ${url}\n`);
    };
    await page.goto(`${served.url}/proposals`);
    for (const id of (await store.list({ entity: 'sora-2', status: ['open'] }, { limit: 2 })).proposals)
      await page.check(`input[name=id][value="${id.id}"]`);
    await page.fill('input[name=note]', 'checked against the launch post');
    await page.screenshot({ path: path.join(DOCS, 'serve-proposals.png') });
    process.stderr.write('docs/serve-proposals.png ← /proposals\n');
    await shoot('/entities/dall-e', 'serve-entity.png', true);
    await page.setViewportSize({ width: 1440, height: 420 });
    await shoot('/runs', 'serve-runs.png');
    await page.setViewportSize({ width: 1440, height: 1000 });
    await shoot(`/runs/${encodeURIComponent(first.run.id)}`, 'serve-run.png');
    // A refresh waiting for a worker (none runs here), as the entity page follows it live.
    await page.goto(`${served.url}/entities/gpt-4`);
    await Promise.all([page.waitForURL(/\?run=/), page.click('button:has-text("Refresh now")')]);
    await page.waitForSelector('#refresh-progress[data-state]');
    await page.setViewportSize({ width: 1440, height: 560 });
    await page.screenshot({ path: path.join(DOCS, 'serve-refresh.png') });
    process.stderr.write('docs/serve-refresh.png ← /entities/gpt-4 (Refresh now)\n');
  } finally {
    await served.close();
  }
} finally {
  await browser.close();
  await install.close();
}
