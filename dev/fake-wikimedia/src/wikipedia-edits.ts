// The Wikipedia side of the mutation API: each change is made to the PageStore and recorded in that
// language's change feed the way MediaWiki records it, so that a page's lastrevid is always the
// revid of its newest row. Sources (MediaWiki core and Wikibase; shapes in
// test/fixtures/wikimedia/README.md):
// - an edit is one `edit` row with the new revision (old_revid = the previous one); turning a page
//   into a redirect is such an edit, its text `#REDIRECT [[To#Fragment]]` and its summary MediaWiki's
//   automatic one (message autoredircomment, "Redirected page to [[$1]]");
// - a move saves a null revision on the moved page and a redirect revision at the old title, both
//   without a row of their own (the redirect is saved with EDIT_SUPPRESS_RC), and publishes one
//   `log` row move/move on the OLD title with the moved page's id, revid = the null revision and
//   logparams {target_ns, target_title, suppressredirect} (MovePage::moveToInternal,
//   MoveLogFormatter::getParametersForApi, RecentChange::newLogEntry);
// - a deletion removes the page's non-log rows, by title and by page id, then adds a `log` row
//   delete/delete with page id and revids 0 (DeletePage; the 0 as in real enwiki rows);
// - the page's Wikidata item is not a property of the wikitext: it changes with the item's sitelinks
//   on Wikidata, and the Wikipedia shows that as an `external` row (Wikibase client's RC_EXTERNAL
//   rows) with revid = old_revid = the page's current revision, which does not change.

import type { PageStore, WikiRedirect } from './pages.js';
import type { WikiPage } from './types.js';
import type { WikipediaFeeds } from './wikipedia-changes.js';

export class WikipediaEdits {
  private edits = 0;

  constructor(
    private readonly pages: PageStore,
    readonly feeds: WikipediaFeeds,
    private readonly clock: () => number,
  ) {}

  /** A new revision of a page (a redirect page too); returns the page as it is now. */
  edit(lang: string, title: string, comment = 'copyedit'): WikiPage {
    return this.revise(
      lang,
      title,
      comment,
      (page) => page.length + 10 + (this.edits++ % 90),
      (revision) => this.pages.edit(lang, title, revision),
    );
  }

  /** Replaces a page's text by a redirect to `target` (to its section when it names a fragment). */
  redirect(lang: string, title: string, target: WikiRedirect): WikiPage {
    const link = target.fragment === undefined ? target.to : `${target.to}#${target.fragment}`;
    const length = Buffer.byteLength(`#REDIRECT [[${link}]]`, 'utf8');
    return this.revise(
      lang,
      title,
      `Redirected page to [[${link}]]`,
      () => length,
      (revision) => this.pages.redirect(lang, title, target, revision),
    );
  }

  /** A new revision of an existing page, written by `write` and recorded in the feed as an `edit` row. */
  private revise(
    lang: string,
    title: string,
    comment: string,
    lengthAfter: (page: WikiPage) => number,
    write: (revision: { lastrevid: number; ms: number; length: number }) => WikiPage,
  ): WikiPage {
    const page = this.pages.existing(lang, title, true);
    const feed = this.feeds.feed(lang);
    const ms = this.clock();
    const revid = feed.nextRevid(ms, page.lastrevid);
    const length = lengthAfter(page);
    const written = write({ lastrevid: revid, ms, length });
    feed.record(
      {
        type: 'edit',
        ns: 0,
        title,
        pageid: page.pageid,
        revid,
        old_revid: page.lastrevid,
        oldlen: page.length,
        newlen: length,
        user: 'FakeEditor',
        comment,
      },
      ms,
    );
    return written;
  }

  /** Moves a page to a free title, leaving a redirect behind unless `redirect` is false. */
  move(lang: string, from: string, to: string, redirect: boolean): WikiPage {
    const page = this.pages.existing(lang, from);
    const feed = this.feeds.feed(lang);
    const ms = this.clock();
    const nullRevid = feed.nextRevid(ms, page.lastrevid);
    const redirectRevid = redirect ? feed.nextRevid(ms, nullRevid) : null;
    const moved = this.pages.move(lang, from, to, { lastrevid: nullRevid, redirectRevid, ms });
    feed.record(
      {
        type: 'log',
        ns: 0,
        title: from,
        pageid: page.pageid,
        revid: nullRevid,
        old_revid: 0,
        oldlen: 0,
        newlen: 0,
        user: 'FakeEditor',
        comment: 'More precise title',
        logid: feed.nextLogid(),
        logtype: 'move',
        logaction: 'move',
        logparams: { target_ns: 0, target_title: to, suppressredirect: !redirect },
      },
      ms,
    );
    return moved;
  }

  /** Links a page to another item (or to none): the page's row is an `external` one, from Wikidata. */
  relink(lang: string, title: string, qid: string | null): WikiPage {
    const changed = this.pages.setItem(lang, title, qid, this.clock());
    const action = qid === null ? 'remove' : 'add';
    this.external(lang, changed, `/* wbsetsitelink-${action}:1|${lang}wiki */ ${title}`);
    return changed;
  }

  /** Records a Wikidata edit to the item linked to `page` as the Wikipedia shows it. */
  external(lang: string, page: WikiPage, comment: string): void {
    this.feeds.feed(lang).record(
      {
        type: 'external',
        ns: 0,
        title: page.title,
        pageid: page.pageid,
        revid: page.lastrevid,
        old_revid: page.lastrevid,
        oldlen: page.length,
        newlen: page.length,
        user: 'FakeEditor',
        comment,
      },
      this.clock(),
    );
  }

  /** Deletes a page: it is missing from then on, and its rows other than log rows are gone. */
  delete(lang: string, title: string): void {
    const feed = this.feeds.feed(lang);
    const page = this.pages.delete(lang, title);
    feed.forget(title, page.pageid);
    feed.record(
      {
        type: 'log',
        ns: 0,
        title,
        pageid: 0,
        revid: 0,
        old_revid: 0,
        oldlen: 0,
        newlen: 0,
        user: 'FakeAdmin',
        comment: '[[WP:CSD#A7|A7]]: No credible indication of importance',
        logid: feed.nextLogid(),
        logtype: 'delete',
        logaction: 'delete',
        logparams: {},
      },
      this.clock(),
    );
  }
}
