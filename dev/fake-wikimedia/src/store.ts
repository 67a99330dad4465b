// The fake's data and its mutation API: what tests, the offline demo and the benchmark change between
// runs (a new revision, a changed statement, a merge, a deletion; a page edit, move, deletion or
// relink), each recorded in the change feed of the wiki it happened on, the way that wiki shows it
// (Wikipedia pages: see wikipedia-edits.ts).

import type { ChangeFeed } from './changes.js';
import { FakeInputError } from './errors.js';
import { generatedId } from './generator.js';
import type { ItemStore } from './items.js';
import type { PageStore } from './pages.js';
import { rngFor, unitHash } from './random.js';
import { snakFromInput, statement } from './snaks.js';
import { setClaimSummary } from './summaries.js';
import { normalizeTitle } from './titles.js';
import type { ItemLookup, PageInfo, PageLookup, Revision, Snak, WikiPage } from './types.js';
import { mwTimestamp } from './types.js';
import type { WikipediaFeeds } from './wikipedia-changes.js';
import { WikipediaEdits } from './wikipedia-edits.js';

export interface StoreParts {
  readonly seed: number;
  readonly count: number;
  readonly items: ItemStore;
  readonly pages: PageStore;
  /** Wikidata's change feed. */
  readonly feed: ChangeFeed;
  readonly wikipediaFeeds: WikipediaFeeds;
  readonly clock: () => number;
}

/** The mutation API over the fake's data (also served at POST /__control/<name>). */
export class FakeStore {
  readonly items: ItemStore;
  readonly pages: PageStore;
  /** Wikidata's change feed. */
  readonly feed: ChangeFeed;
  private readonly wikipedia: WikipediaEdits;
  private readonly clock: () => number;
  private readonly seed: number;
  private readonly count: number;
  private edits = 0;

  constructor(parts: StoreParts) {
    this.items = parts.items;
    this.pages = parts.pages;
    this.feed = parts.feed;
    this.wikipedia = new WikipediaEdits(parts.pages, parts.wikipediaFeeds, parts.clock);
    this.clock = parts.clock;
    this.seed = parts.seed;
    this.count = parts.count;
  }

  lookupItem(qid: string): ItemLookup {
    return this.items.lookup(qid);
  }

  lookupPage(qid: string): PageLookup {
    return this.items.lookupPage(qid);
  }

  getPage(lang: string, title: string): WikiPage | undefined {
    return this.pages.get(lang, title);
  }

  /** A Wikidata revision: an edit made through the store, or one from before them (see ItemStore). */
  revision(revid: number): Revision | undefined {
    return this.feed.revision(revid) ?? this.items.baseRevision(revid);
  }

  /** The `lang` Wikipedia's change feed (made the first time it is asked for). */
  wikipediaFeed(lang: string): ChangeFeed {
    return this.wikipedia.feeds.feed(lang);
  }

  private existing(qid: string): PageInfo {
    const found = this.items.lookupPage(qid);
    if (found.kind === 'redirect') throw new FakeInputError(`${qid} is a redirect to ${found.to}`);
    if (found.kind === 'missing') throw new FakeInputError(`no item ${qid}`);
    return found.page;
  }

  /** A new revision of an item (an edit that changes nothing factsync compares); returns the revision id. */
  bumpRevision(qid: string, comment = '/* wbeditentity-update:0| */'): number {
    const page = this.existing(qid);
    const ms = this.clock();
    const lastrevid = this.feed.nextRevid(ms, page.lastrevid);
    const delta = 20 + (this.edits++ % 50);
    this.items.patch(qid, { lastrevid, ms, length: page.length + delta });
    this.feed.record(
      {
        type: 'edit',
        ns: 0,
        title: qid,
        pageid: page.pageid,
        revid: lastrevid,
        old_revid: page.lastrevid,
        oldlen: page.length,
        newlen: page.length + delta,
        user: 'FakeEditor',
        comment,
      },
      ms,
    );
    return lastrevid;
  }

  /**
   * Replaces every statement of `property` with one normal-rank statement of `value` (a QID, a date
   * `YYYY[-MM[-DD]]`, a URL or text, or `{snaktype: 'novalue' | 'somevalue'}`); null removes them.
   */
  setStatementValue(qid: string, property: string, value: unknown): number {
    if (!/^P[1-9]\d*$/.test(property))
      throw new FakeInputError(`property must be a P-id such as P856, got "${property}"`);
    this.existing(qid);
    const random = rngFor(this.seed, qid, property, this.edits, 'set');
    const snak = value === null ? null : snakFromInput(property, value, random);
    const statements = snak === null ? [] : [statement(qid, snak, random)];
    const removed = snak === null ? this.mainSnaks(qid, property) : [];
    const revid = this.bumpRevision(qid, setClaimSummary(property, snak, removed));
    const patch = this.items.patch(qid, { lastrevid: revid, ms: this.clock() });
    patch.claims = { ...patch.claims, [property]: statements };
    return revid;
  }

  /** The main snaks of `property` on `qid` (what removing its statements takes away). */
  private mainSnaks(qid: string, property: string): Snak[] {
    const found = this.items.lookup(qid);
    return found.kind === 'item' ? (found.entity.claims?.[property] ?? []).map((s) => s.mainsnak) : [];
  }

  /**
   * Merges `from` into `to`: `from` becomes a redirect, `to` gets a new revision. As on Wikidata, a
   * merge writes no log entry: the feed shows two edits, summarised `wbmergeitems-to` on the source
   * and `wbmergeitems-from` on the target (see test/fixtures/wikimedia/README.md).
   */
  mergeItem(from: string, to: string): number {
    if (from === to) throw new FakeInputError('cannot merge an item into itself');
    const source = this.existing(from);
    this.existing(to);
    const revid = this.bumpRevision(to, `/* wbmergeitems-from:0||${from} */`);
    const ms = this.clock();
    const redirectRevid = this.feed.nextRevid(ms, source.lastrevid);
    this.items.makeRedirect(from, to, {
      pageid: source.pageid,
      lastrevid: redirectRevid,
      touched: mwTimestamp(ms),
      length: 60,
    });
    this.feed.record(
      {
        type: 'edit',
        ns: 0,
        title: from,
        pageid: source.pageid,
        revid: redirectRevid,
        old_revid: source.lastrevid,
        oldlen: source.length,
        newlen: 60,
        user: 'FakeEditor',
        comment: `/* wbmergeitems-to:0||${to} */`,
      },
      ms,
    );
    return revid;
  }

  /** Deletes an item: it is missing from then on. */
  deleteItem(qid: string): void {
    const found = this.items.lookupPage(qid);
    if (found.kind === 'missing') throw new FakeInputError(`no item ${qid}`);
    const ms = this.clock();
    this.items.delete(qid);
    this.feed.forget(qid);
    this.feed.record(
      {
        type: 'log',
        ns: 0,
        title: qid,
        pageid: 0,
        revid: 0,
        old_revid: 0,
        oldlen: 0,
        newlen: 0,
        user: 'FakeAdmin',
        comment: 'Does not meet the [[Wikidata:Notability|notability policy]]',
        logid: this.feed.nextLogid(),
        logtype: 'delete',
        logaction: 'delete',
        logparams: {},
      },
      ms,
    );
  }

  /**
   * Moves a Wikipedia page; the old title becomes a redirect (missing with `redirect: false`). As on
   * the real wikis, the item linked to the page has its sitelink updated (a new revision of the item),
   * which the Wikipedia's feed then shows as an `external` row on the page.
   */
  movePage(lang: string, from: string, to: string, options: { redirect?: boolean } = {}): WikiPage {
    const moved = this.wikipedia.move(lang, from, to, options.redirect ?? true);
    const qid = moved.wikibaseItem;
    const site = `${lang}wiki`;
    const found = qid ? this.items.lookup(qid) : undefined;
    if (qid && found?.kind === 'item' && found.entity.sitelinks?.[site]?.title === from) {
      const old = found.entity.sitelinks[site];
      const comment = `/* clientsitelink-update:0|${site}|${site}:${from}|${site}:${to} */`;
      const revid = this.bumpRevision(qid, comment);
      const patch = this.items.patch(qid, { lastrevid: revid, ms: this.clock() });
      patch.sitelinks = { ...patch.sitelinks, [site]: { site, title: to, badges: old?.badges ?? [] } };
      this.wikipedia.external(lang, moved, comment);
    }
    return moved;
  }

  /**
   * Links a Wikipedia page to another item (or to none, with null), as a vandal or a mistake would.
   * The page gets no new revision: the link lives on Wikidata (see wikipedia-edits.ts).
   */
  setPageItem(lang: string, title: string, qid: string | null): WikiPage {
    if (qid !== null && !/^Q[1-9]\d*$/.test(qid))
      throw new FakeInputError(`qid must be a QID or null, got "${qid}"`);
    return this.wikipedia.relink(lang, title, qid);
  }

  /** A new revision of a Wikipedia page that changes nothing factsync compares; returns the page. */
  editPage(lang: string, title: string, comment?: string): WikiPage {
    return this.wikipedia.edit(lang, title, comment);
  }

  /**
   * Turns a Wikipedia page into a redirect to `to`, to its section `fragment` when given (an article
   * merged into a section of another): the API then answers `redirects` with `tofragment`.
   */
  redirectPage(lang: string, from: string, to: string, fragment?: string): WikiPage {
    const target = normalizeTitle(to);
    if (!target.ok) throw new FakeInputError(`"to" is not a page title: ${target.reason}`);
    if (target.title === from) throw new FakeInputError('a page cannot redirect to itself');
    if (fragment !== undefined && fragment.trim() === '')
      throw new FakeInputError('"fragment" must name a section, or be left out');
    return this.wikipedia.redirect(lang, from, {
      to: target.title,
      ...(fragment !== undefined ? { fragment } : {}),
    });
  }

  /** Deletes a Wikipedia page: it is missing from then on. */
  deletePage(lang: string, title: string): void {
    this.wikipedia.delete(lang, title);
  }

  /**
   * Gives a deterministic share of the generated items a new revision (a "changed night" for the
   * benchmark); with `valueShare`, that share of them also gets a new P856 website. Returns their ids.
   */
  changeFraction(fraction: number, seed: number, valueShare = 0): string[] {
    if (!(fraction >= 0 && fraction <= 1))
      throw new FakeInputError(`fraction must be from 0 to 1, got ${fraction}`);
    const changed: string[] = [];
    for (let index = 0; index < this.count; index++) {
      if (unitHash(seed, index, 'change') >= fraction) continue;
      const qid = generatedId(index);
      if (this.items.lookupPage(qid).kind !== 'item') continue;
      if (unitHash(seed, index, 'change-value') < valueShare)
        this.setStatementValue(qid, 'P856', `https://changed-${seed}-${index}.example.org/`);
      else this.bumpRevision(qid);
      changed.push(qid);
    }
    return changed;
  }
}
