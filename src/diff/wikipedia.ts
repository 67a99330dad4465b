// The record's Wikipedia page against the live page and the item's sitelink: a missing page, a moved
// page (its title now redirects, whole, to the article of the same item), a title that leads elsewhere —
// to a section of a page, or to a page of another item — or a page whose own Wikidata item is another
// item (mismatch: never a relink), and a sitelink that names another article or is absent. Pure.

import type { Evidence, PageValue, RedirectTarget } from '../model/proposal.js';
import type { WikipediaLink } from '../model/record.js';
import type { RemoteItem, WikipediaPage } from '../model/remote.js';
import { sameWikipediaPage } from '../model/wikipedia.js';
import type { DiffContext, FieldFinding, RemoteState } from './context.js';
import { itemValue } from './values.js';

const page = (lang: string, title: string): PageValue => ({ lang, title });

function pageEvidence(ctx: DiffContext, found: WikipediaPage): Evidence {
  // A section redirect's evidence is the section: MediaWiki anchors are the heading with `_` for spaces.
  const anchor = found.redirectFragment
    ? `#${encodeURIComponent(found.redirectFragment.replace(/ /g, '_'))}`
    : '';
  return {
    source: 'wikipedia',
    url: `${ctx.links.page(found.lang, found.title)}${anchor}`,
    ...(found.lastrevid === undefined ? {} : { revision: found.lastrevid }),
    retrievedAt: ctx.retrievedAt,
  };
}

function itemEvidence(ctx: DiffContext, item: RemoteItem): Evidence {
  return {
    source: 'wikidata',
    url: ctx.links.item(item.id),
    ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
    retrievedAt: ctx.retrievedAt,
  };
}

export function diffWikipedia(
  local: WikipediaLink | undefined,
  item: RemoteItem,
  remote: RemoteState,
  ctx: DiffContext,
): FieldFinding[] {
  const live = remote.page;
  const lang = local?.lang ?? ctx.languages[0] ?? 'en';
  const sitelink = item.sitelinks[`${lang}wiki`];
  if (!local) {
    return sitelink
      ? [{ kind: 'add', local: null, remote: page(lang, sitelink.title), evidence: itemEvidence(ctx, item) }]
      : [];
  }
  const mine = page(local.lang, local.title);
  if (!live) return [];
  if (live.missing) {
    const remote = sitelink ? page(lang, sitelink.title) : null;
    return [
      { kind: 'missing', local: mine, remote, evidence: pageEvidence(ctx, { ...live, title: local.title }) },
    ];
  }
  const findings: FieldFinding[] = [];
  if (live.redirectedFrom) {
    // Moved only when the title now leads, whole, to the article whose own item is the record's (or the
    // item it was merged into). A redirect to a section, or to another item's page, says the title names
    // something else: a mismatch naming where it leads, never a relink to that page.
    const own = live.wikibaseItem;
    if (!live.redirectFragment && own !== undefined && (own === item.id || own === item.requested)) {
      findings.push({
        kind: 'moved',
        local: mine,
        remote: page(lang, live.title),
        evidence: pageEvidence(ctx, live),
      });
    } else {
      const target: RedirectTarget = {
        ...page(lang, live.title),
        ...(live.redirectFragment ? { fragment: live.redirectFragment } : {}),
        ...(own ? { item: itemValue(own, remote.labels, ctx.languages) } : {}),
      };
      return [{ kind: 'mismatch', local: mine, remote: target, evidence: pageEvidence(ctx, live) }];
    }
  }
  if (live.wikibaseItem && live.wikibaseItem !== item.id) {
    // The page is about another item: its own item is the evidence a reviewer needs.
    findings.push({
      kind: 'mismatch',
      local: { id: item.requested },
      remote: itemValue(live.wikibaseItem, remote.labels, ctx.languages),
      evidence: pageEvidence(ctx, live),
    });
    return findings;
  }
  const current = page(lang, live.title);
  if (!sitelink) {
    findings.push({ kind: 'upstream', local: current, remote: null, evidence: itemEvidence(ctx, item) });
  } else if (!sameWikipediaPage(current, page(lang, sitelink.title)) && !live.redirectedFrom) {
    findings.push({
      kind: 'update',
      local: mine,
      remote: page(lang, sitelink.title),
      evidence: itemEvidence(ctx, item),
    });
  }
  return findings;
}
