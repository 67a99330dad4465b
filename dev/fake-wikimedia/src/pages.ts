// The Wikipedia side of the store: per language, pages from fixtures and the pages of generated
// items, plus what the mutation API changed (moves leave a redirect behind unless told not to, like a
// real page move; deleted pages are missing, generated ones included).

import { FakeInputError } from './errors.js';
import { generatedWikiPage, indexFromTitle } from './generator.js';
import { hash32 } from './random.js';
import type { WikiPage } from './types.js';
import { mwTimestamp } from './types.js';

/** Where a redirect page points: a title, and the section of it when the redirect names one. */
export interface WikiRedirect {
  readonly to: string;
  readonly fragment?: string;
}

/** What fixture files say about one Wikipedia (see fixtures.ts). */
export interface WikiFixtures {
  readonly pages: ReadonlyMap<string, WikiPage>;
  /** Redirect title → where it points. */
  readonly redirects: ReadonlyMap<string, WikiRedirect>;
}

/** A title whose page was deleted: missing even where the generator would make a page. */
const DELETED = null;

export class PageStore {
  /** Pages known by title, per language: fixture pages, redirect pages, every edited and deleted page. */
  private readonly wikis = new Map<string, Map<string, WikiPage | typeof DELETED>>();

  constructor(
    private readonly seed: number,
    private readonly count: number,
    fixtures: ReadonlyMap<string, WikiFixtures>,
  ) {
    for (const [lang, wiki] of fixtures) {
      const pages = this.wiki(lang);
      for (const [title, page] of wiki.pages) pages.set(title, page);
      for (const [from, target] of wiki.redirects) {
        if (!pages.has(from)) pages.set(from, redirectPage(lang, from, target, undefined));
      }
    }
  }

  private wiki(lang: string): Map<string, WikiPage | typeof DELETED> {
    let pages = this.wikis.get(lang);
    if (!pages) {
      pages = new Map();
      this.wikis.set(lang, pages);
    }
    return pages;
  }

  /** The page with this (normalized) title, a redirect page included; undefined when it does not exist. */
  get(lang: string, title: string): WikiPage | undefined {
    const known = this.wikis.get(lang)?.get(title);
    if (known) return known;
    if (known === DELETED || this.count === 0) return undefined;
    const index = indexFromTitle(this.seed, lang, title, this.count);
    return index === undefined ? undefined : generatedWikiPage(this.seed, index, lang);
  }

  /** The page with this title, or an error naming what is wrong; redirect pages refused unless allowed. */
  existing(lang: string, title: string, allowRedirect = false): WikiPage {
    const page = this.get(lang, title);
    if (!page) throw new FakeInputError(`no page "${title}" on the ${lang} Wikipedia`);
    if (page.redirectTo !== undefined && !allowRedirect)
      throw new FakeInputError(`"${title}" on the ${lang} Wikipedia is a redirect`);
    return page;
  }

  /**
   * Moves a page: it keeps its id and item under the new title, at revision `lastrevid` (MediaWiki's
   * null revision); the old title becomes a redirect at `redirectRevid`, or missing when it is null.
   */
  move(
    lang: string,
    from: string,
    to: string,
    revision: { lastrevid: number; redirectRevid: number | null; ms: number },
  ): WikiPage {
    const page = this.existing(lang, from);
    if (this.get(lang, to)) throw new FakeInputError(`"${to}" already exists on the ${lang} Wikipedia`);
    const touched = mwTimestamp(revision.ms);
    const moved: WikiPage = { ...page, title: to, lastrevid: revision.lastrevid, touched };
    const pages = this.wiki(lang);
    pages.set(to, moved);
    pages.set(
      from,
      revision.redirectRevid === null
        ? DELETED
        : redirectPage(lang, from, { to }, { lastrevid: revision.redirectRevid, touched }),
    );
    return moved;
  }

  /** A new revision of a page: its lastrevid, touched and length change. */
  edit(lang: string, title: string, revision: { lastrevid: number; ms: number; length: number }): WikiPage {
    const page = this.existing(lang, title, true);
    const edited: WikiPage = {
      ...page,
      lastrevid: revision.lastrevid,
      touched: mwTimestamp(revision.ms),
      length: revision.length,
    };
    this.wiki(lang).set(title, edited);
    return edited;
  }

  /**
   * Turns a page into a redirect to `target` (a section of it when `target.fragment` is given), at a new
   * revision: what an editor does who replaces an article by `#REDIRECT [[Target#Section]]`. The page
   * keeps its id and its Wikidata item; the target need not exist (MediaWiki allows that too).
   */
  redirect(
    lang: string,
    title: string,
    target: WikiRedirect,
    revision: { lastrevid: number; ms: number; length: number },
  ): WikiPage {
    const page = this.existing(lang, title, true);
    const { redirectFragment: _fragment, ...rest } = page;
    const redirected: WikiPage = {
      ...rest,
      lastrevid: revision.lastrevid,
      touched: mwTimestamp(revision.ms),
      length: revision.length,
      redirectTo: target.to,
      ...(target.fragment !== undefined ? { redirectFragment: target.fragment } : {}),
    };
    this.wiki(lang).set(title, redirected);
    return redirected;
  }

  /** Deletes a page (a redirect page too): the title is missing from then on. */
  delete(lang: string, title: string): WikiPage {
    const page = this.existing(lang, title, true);
    this.wiki(lang).set(title, DELETED);
    return page;
  }

  /** Sets (or with null, removes) the Wikidata item a page is linked to (its `wikibase_item` page prop). */
  setItem(lang: string, title: string, qid: string | null, ms: number): WikiPage {
    const page = this.existing(lang, title, true);
    const { wikibaseItem: _, ...rest } = page;
    const changed: WikiPage = { ...rest, touched: mwTimestamp(ms), ...(qid ? { wikibaseItem: qid } : {}) };
    this.wiki(lang).set(title, changed);
    return changed;
  }

  /** How many pages the fixtures and edits hold (generated and deleted pages not counted). */
  get knownCount(): number {
    let n = 0;
    for (const pages of this.wikis.values()) for (const page of pages.values()) if (page) n++;
    return n;
  }

  get languages(): string[] {
    return [...this.wikis.keys()];
  }
}

function redirectPage(
  lang: string,
  from: string,
  target: WikiRedirect,
  revision: { lastrevid: number; touched: string } | undefined,
): WikiPage {
  const n = hash32('redirect', lang, from);
  return {
    pageid: 90_000_000 + (n % 9_000_000),
    title: from,
    lastrevid: revision?.lastrevid ?? 900_000_000 + (n % 100_000_000),
    touched: revision?.touched ?? mwTimestamp(Date.UTC(2024, 0, 1) + (n % 31_536_000) * 1000),
    length: 20 + target.to.length + (target.fragment === undefined ? 0 : target.fragment.length + 1),
    redirectTo: target.to,
    ...(target.fragment !== undefined ? { redirectFragment: target.fragment } : {}),
  };
}
