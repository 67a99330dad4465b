// A reviewer's morning in a real browser: the proposals page, its filters and search, accepting one
// proposal and rejecting several with a note (checked in the store), hostile values shown as text,
// the runs, a run's report and an entity's page.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './chromium.js';
import { rowIds, type SeededServe, seededServe, signIn } from './harness.js';
import { HOSTILE_LABEL, HOSTILE_VALUE, SEED_RUN, SEEDED, seed } from './seed.js';

let served: SeededServe;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  served = await seededServe('review');
  await seed(served.store);
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

const kindsOnPage = (p: Page) =>
  p.$$eval('table.proposals tbody .kind', (els) => els.map((e) => e.textContent));

describe('the proposals page', () => {
  it('lists the open proposals, with a nav bar that counts them', async () => {
    const response = await page.goto(`${served.url}/`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${served.url}/proposals`);
    expect(await rowIds(page)).toHaveLength(SEEDED);
    expect(await page.textContent('header nav')).toContain(`Proposals${SEEDED}`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    // Local and remote values side by side, evidence as http(s) links only.
    const sora = page.locator('tr', { hasText: 'followedBy' });
    expect(await sora.locator('td.value.local').textContent()).toBe('Sora Turbo');
    expect(await sora.locator('td.value.remote').textContent()).toBe('Sora 2 (Q136505399)');
    const hrefs = await page.$$eval('td.evidence a', (links) =>
      links.map((a) => a.getAttribute('href') ?? ''),
    );
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\//);
    expect(hrefs).toContain('https://www.wikidata.org/w/index.php?title=Q124544998&oldid=2212345678');
  });

  it('filters by kind and status, and searches by name or QID', async () => {
    await page.selectOption('select[name=kind]', 'update');
    await page.waitForURL(/kind=update/);
    expect(await kindsOnPage(page)).toEqual(['update', 'update', 'update', 'update']);
    expect(await page.textContent('select[name=kind] option[value=update]')).toBe('update (4)');

    await page.goto(`${served.url}/proposals?q=chatgpt`);
    const chatgpt = await rowIds(page);
    expect(chatgpt).toHaveLength(2);
    expect(await page.$$eval('td.entity small', (els) => els.map((e) => e.textContent))).toEqual([
      'chatgpt · Q115564437',
      'chatgpt · Q115564437',
    ]);
    await page.fill('input[name=q]', 'Q105078662');
    await Promise.all([page.waitForURL(/q=Q105078662/), page.click('button:has-text("Apply")')]);
    expect(await page.$$eval('td.entity b', (els) => els.map((e) => e.textContent))).toEqual([
      'DALL-E',
      'DALL-E',
    ]);

    await page.goto(`${served.url}/proposals?status=decided`);
    expect(await rowIds(page)).toHaveLength(0);
    expect(await page.textContent('.empty')).toContain('No proposal matches');
  });

  it('shows a hostile label and value as text, running nothing', async () => {
    await page.goto(`${served.url}/proposals?q=hostile`);
    const text = await page.textContent('table.proposals');
    expect(text).toContain(HOSTILE_LABEL);
    expect(text).toContain(HOSTILE_VALUE);
    expect(await page.$$('table.proposals img')).toHaveLength(0);
    expect(await page.$$('main script')).toHaveLength(0);
    // The javascript: evidence is text, not a link.
    expect(await page.$$('a[href^="javascript:"]')).toHaveLength(0);
    await page.goto(`${served.url}/entities/hostile`);
    expect(await page.textContent('h1')).toBe(HOSTILE_LABEL);
    expect(await page.title()).toContain(HOSTILE_LABEL);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });
});

describe('reviewing', () => {
  it('is read-only until signed in', async () => {
    await page.goto(`${served.url}/proposals`);
    expect(await page.isDisabled('tr >> nth=1 >> button.accept')).toBe(true);
    expect(await page.textContent('.actionbar')).toContain('Sign in');
    await signIn(page, served.url);
    expect(await page.textContent('header .who')).toContain('signed in');
  });

  it('decides one proposal with its "card" button: the store and the page show it', async () => {
    await page.goto(`${served.url}/proposals?kind=update`);
    const row = page.locator('tr', { hasText: 'GPT-3.5' });
    const id = (await row.getAttribute('data-id')) as string;
    // An update may be decided any side: a button each, and a snooze.
    expect(await row.locator('td.actions button').allTextContents()).toEqual([
      'card',
      'wikidata',
      'both',
      'none',
      'snooze',
    ]);
    await Promise.all([page.waitForURL(/reviewed=1/), row.locator('button:has-text("card")').click()]);
    // Back on the same filtered page (open, kind update): the decided row left it.
    expect(page.url()).toMatch(/\/proposals\?kind=update&reviewed=1&decision=card$/);
    expect(await page.textContent('.flash')).toContain('1 proposal decided: card');
    expect(await rowIds(page)).not.toContain(id);
    expect((await served.store.get([id]))[0]).toMatchObject({ status: 'decided', side: 'card' });
    await page.goto(`${served.url}/proposals?status=all&kind=update`);
    expect(await page.getAttribute(`tr[data-id="${id}"]`, 'data-status')).toBe('decided');
    expect(await page.textContent(`tr[data-id="${id}"] .status`)).toBe('decided: card');
  });

  it('offers an upstream proposal only the Wikidata side and none', async () => {
    await page.goto(`${served.url}/proposals?kind=upstream`);
    const row = page.locator('tbody tr').first();
    expect(await row.locator('td.actions button').allTextContents()).toEqual(['wikidata', 'none', 'snooze']);
  });

  it('rejects several with a note, kept in the store', async () => {
    await page.goto(`${served.url}/proposals?q=chatgpt`);
    const ids = await rowIds(page);
    expect(ids).toHaveLength(2);
    expect(await page.isDisabled('button:has-text("Reject selected")')).toBe(true);
    for (const id of ids) await page.check(`input[name=id][value="${id}"]`);
    expect(await page.textContent('#selected-count')).toBe('2 selected');
    await page.fill('input[name=note]', 'checked <b>by hand</b>: the card is right');
    await Promise.all([page.waitForURL(/reviewed=2/), page.click('button:has-text("Reject selected")')]);
    expect(await page.textContent('.flash')).toContain('2 proposals rejected');
    const stored = await served.store.get(ids);
    expect(stored.map((p) => [p.status, p.note])).toEqual([
      ['decided', 'checked <b>by hand</b>: the card is right'],
      ['decided', 'checked <b>by hand</b>: the card is right'],
    ]);
    await page.goto(`${served.url}/entities/chatgpt`);
    expect(await page.textContent('table.proposals')).toContain(
      '“checked <b>by hand</b>: the card is right”',
    );
  });
});

describe('runs and entities', () => {
  it('snoozes the ticked proposals until a date: they leave the open list, and say until when', async () => {
    await page.goto(`${served.url}/proposals?kind=add`);
    const [id] = await rowIds(page);
    await page.check(`input[name=id][value="${id}"]`);
    await page.fill('input[name=until]', '2999-01-01');
    await Promise.all([page.waitForURL(/reviewed=1/), page.click('button:has-text("Snooze selected")')]);
    expect(await page.textContent('.flash')).toContain('1 proposal snoozed until 2999-01-01');
    expect(await rowIds(page)).not.toContain(id);
    expect((await served.store.get([id as string]))[0]).toMatchObject({
      status: 'snoozed',
      snoozedUntil: '2999-01-01',
    });
  });

  it('lists the runs and shows a run with its report', async () => {
    await page.goto(`${served.url}/runs`);
    expect(await page.textContent('table')).toContain(SEED_RUN);
    await page.click(`a:has-text("${SEED_RUN}")`);
    expect(await page.textContent('h1')).toContain(SEED_RUN);
    expect(await page.textContent('.stats')).toContain('new proposals');
    expect(await page.$$('main .panel h2 a')).not.toHaveLength(0);
    const report = await page.goto(`${served.url}/runs/${SEED_RUN}/report.html`);
    expect(report?.status()).toBe(200);
    expect(report?.headers()['content-security-policy']).toMatch(/script-src 'sha256-/);
    expect(await page.textContent('h1')).toContain(SEED_RUN);
    expect(await page.textContent('body')).toContain(HOSTILE_LABEL);
    expect(dialogs).toEqual([]);
  });

  it("shows an entity's local record, card and proposals over time", async () => {
    await page.goto(`${served.url}/entities/sora`);
    expect(await page.textContent('h1')).toBe('Sora');
    const record = JSON.parse((await page.textContent('#record-json')) ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ key: 'sora', qid: 'Q124544998', facts: { developer: ['OpenAI'] } });
    expect(await page.textContent('#card-text')).toContain('# Sora');
    expect(await rowIds(page)).toHaveLength(2);
    expect(await page.textContent('table.proposals thead')).toContain('first seen');
    expect(await page.isEnabled('button:has-text("Refresh now")')).toBe(true);
  });
});
