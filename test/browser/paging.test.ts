// Keyset paging in the browser: 250 proposals, 100 a page, walked through the "Next page" links;
// each proposal is seen exactly once, and the last page says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './chromium.js';
import { rowIds, type SeededServe, seededServe } from './harness.js';
import { seedMany } from './seed.js';

const TOTAL = 250;
let served: SeededServe;
let browser: Browser;

beforeAll(async () => {
  served = await seededServe('paging');
  await seedMany(served.store, TOTAL);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe('paging', () => {
  it('walks every proposal once through the Next links', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${served.url}/proposals?limit=100`);
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const ids = await rowIds(page);
      sizes.push(ids.length);
      seen.push(...ids);
      const next = await page.$('a[rel=next]');
      if (!next) break;
      expect(await next.getAttribute('href')).toMatch(/^\/proposals\?limit=100&after=/);
      await Promise.all([page.waitForURL(/after=/), next.click()]);
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(seen).size).toBe(TOTAL);
    expect(await page.textContent('.pager')).toContain('End of the list');
    expect(await page.textContent('.pager')).toContain(`${TOTAL} match`);
    const all = await served.store.list({ status: ['open'] }, { limit: TOTAL + 1 });
    expect(seen).toEqual(all.proposals.map((p) => p.id));
  });

  it('refuses a cursor it did not hand out with a 400 page', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${served.url}/proposals?after=garbage`);
    expect(response?.status()).toBe(400);
    expect(await page.textContent('main')).toContain('not a cursor of this store');
  });
});
