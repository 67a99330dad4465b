// A run the circuit breaker held, settled from its page in a real browser: read-only until signed in,
// then "Release N held proposals" on one run (they are open in the store) and "Discard them" with a note
// on another (decided none, the note kept); each page then says what was done and offers no button.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './chromium.js';
import { type SeededServe, seededServe, signIn } from './harness.js';
import { seed, seedHeldRun } from './seed.js';

const RELEASE = 'night-release';
const DISCARD = 'night-discard';

let served: SeededServe;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  served = await seededServe('held-page');
  await seed(served.store);
  await seedHeldRun(served.store, RELEASE, 4);
  await seedHeldRun(served.store, DISCARD, 3);
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const proposalsOf = async (runId: string) =>
  (await served.store.list({ firstRun: runId }, { limit: 100 })).proposals;

describe("a held run's page", () => {
  it('says why it was held, with the buttons disabled until signed in', async () => {
    await page.goto(`${served.url}/runs/${RELEASE}`);
    expect(await page.textContent('.flash.warn')).toContain('The run was held by the circuit breaker');
    expect(await page.isDisabled('button:has-text("Release 4 held proposals")')).toBe(true);
    expect(await page.isDisabled('button:has-text("Discard them")')).toBe(true);
    expect(await page.textContent('.held-actions')).toContain('Sign in');
  });

  it('releases them: open in the store, and the page says released, without the buttons', async () => {
    await signIn(page, served.url);
    await page.goto(`${served.url}/runs/${RELEASE}`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Release 4 held proposals")')]);
    expect(page.url()).toBe(`${served.url}/runs/${RELEASE}`);
    expect((await proposalsOf(RELEASE)).map((p) => p.status)).toEqual(['open', 'open', 'open', 'open']);
    expect(await page.textContent('.flash.warn')).toMatch(/; 4 proposals released on \d{4}-/);
    expect(await page.$$('.held-actions')).toHaveLength(0);
    expect(await page.$$eval('tr[data-status=open]', (rows) => rows.length)).toBe(4);
  });

  it('discards the other run with a note: decided none, the note kept and shown', async () => {
    await page.goto(`${served.url}/runs/${DISCARD}`);
    await page.fill('.held-actions input[name=note]', 'mass edit upstream, <b>reverted</b>');
    // Enter in the note presses neither button: nothing is released by surprise.
    await page.press('.held-actions input[name=note]', 'Enter');
    await page.waitForTimeout(300);
    expect((await proposalsOf(DISCARD)).map((p) => p.status)).toEqual(['held', 'held', 'held']);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Discard them")')]);
    const stored = await proposalsOf(DISCARD);
    expect(stored.map((p) => [p.status, p.side, p.note])).toEqual(
      Array(3).fill(['decided', 'none', 'mass edit upstream, <b>reverted</b>']),
    );
    expect(await page.textContent('.flash.warn')).toMatch(/; 3 proposals discarded on \d{4}-/);
    expect(await page.$$('.held-actions')).toHaveLength(0);
    expect(await page.textContent('table.proposals')).toContain('“mass edit upstream, <b>reverted</b>”');
    // The first run stays released.
    expect((await served.store.getRun(RELEASE))?.held?.settled?.action).toBe('released');
    expect(dialogs).toEqual([]);
  });
});
