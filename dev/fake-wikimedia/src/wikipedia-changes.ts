// The fake Wikipedias' change feeds: one ChangeFeed per language, made the first time the language is
// asked for or edited. Its background (when the fake generates entities) is edits to articles no
// generated record or fixture uses — "Background article 1" … "Background article 9999999",
// page ids 130,000,000 + n, never served — at `perDay` edits a day, different on each language.

import { type BackgroundEdit, ChangeFeed, type FeedSite } from './changes.js';
import { hash32, unitHash } from './random.js';
import type { RecentChange } from './types.js';

/** Background titles are `Background article n`, n from 1 to this − 1; generated titles never look so. */
export const WIKIPEDIA_BACKGROUND_SPAN = 10_000_000;
export const WIKIPEDIA_BACKGROUND_PAGEID = 130_000_000;
export const DEFAULT_WIKIPEDIA_CHANGES_PER_DAY = 100_000;

const SUMMARIES = [
  '',
  'copyedit',
  '/* History */ expanded',
  '/* References */ fixed citation',
  'Reverted edits by 203.0.113.7 ([[User talk:203.0.113.7|talk]]) to last version',
  '[[WP:AWB|AWB]] general fixes',
  '/* External links */ removed dead link',
];

/**
 * Revision and rc ids in the range of the English Wikipedia's (the fixtures' enwiki pages are at
 * about 1.33 billion); the generated articles' own revisions are all below 1.25 billion.
 */
const WIKIPEDIA_FEED: FeedSite = {
  revBase: 1_350_000_000,
  rcBase: 1_950_000_000,
  idlePerDay: DEFAULT_WIKIPEDIA_CHANGES_PER_DAY,
  edit(seed: number, k: number): BackgroundEdit {
    const n = 1 + (hash32(seed, k, 'article') % (WIKIPEDIA_BACKGROUND_SPAN - 1));
    const isNew = unitHash(seed, k, 'new') < 0.01;
    const newlen = 1_500 + (hash32(seed, k, 'size') % 150_000);
    const bot = unitHash(seed, k, 'bot') < 0.15;
    return {
      isNew,
      title: `Background article ${n}`,
      pageid: WIKIPEDIA_BACKGROUND_PAGEID + n,
      newlen,
      oldlen: isNew ? 0 : newlen - 500 + (hash32(seed, k, 'delta') % 1_000),
      back: 1 + (hash32(seed, k, 'back') % 20_000_000),
      user: bot ? `Fixer${hash32(seed, k, 'user') % 40}Bot` : `Wikipedian${hash32(seed, k, 'user') % 20_000}`,
      comment: isNew
        ? 'Created page with "Background article"'
        : (SUMMARIES[hash32(seed, k, 'summary') % SUMMARIES.length] ?? ''),
    };
  },
};

export class WikipediaFeeds {
  private readonly feeds = new Map<string, ChangeFeed>();
  private readonly listeners: Array<(lang: string, change: RecentChange) => void> = [];

  /** `perDay` background edits a day on each language; 0 turns the background off. */
  constructor(
    private readonly seed: number,
    private readonly perDay: number,
  ) {}

  /** The `lang` Wikipedia's feed, made now if it is the first time it is needed. */
  feed(lang: string): ChangeFeed {
    let feed = this.feeds.get(lang);
    if (!feed) {
      feed = new ChangeFeed({
        seed: hash32(this.seed, lang, 'wikipedia-feed'),
        perDay: this.perDay,
        site: WIKIPEDIA_FEED,
      });
      this.feeds.set(lang, feed);
      for (const listener of this.listeners) feed.listen((change) => listener(lang, change));
    }
    return feed;
  }

  /** Calls `listener` with every change recorded from now on in any language, feeds made later too. */
  listen(listener: (lang: string, change: RecentChange) => void): void {
    this.listeners.push(listener);
    for (const [lang, feed] of this.feeds) feed.listen((change) => listener(lang, change));
  }

  /** The languages that have a feed so far. */
  get languages(): string[] {
    return [...this.feeds.keys()];
  }
}
