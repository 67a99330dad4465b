// The record's Wikipedia page against the live page and the item's sitelink: a missing page, a moved
// page (its title now redirects), a page whose own Wikidata item is another item (mismatch), and a
// sitelink that names another article or is absent. Pure.

import type { Evidence, PageValue } from '../model/proposal.js';
import type { WikipediaLink } from '../model/record.js';
import type { RemoteItem, WikipediaPage } from '../model/remote.js';
import { sameWikipediaPage } from '../model/wikipedia.js';
import type { DiffContext, RemoteState } from './context.js';
import type { FieldFinding } from './statements.js';
import { itemValue } from './values.js';

const page = (lang: string, title: string): PageValue => ({ lang, title });

function pageEvidence(ctx: DiffContext, found: WikipediaPage): Evidence {
  return {
    source: 'wikipedia',
    url: ctx.links.page(found.lang, found.title),
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
    findings.push({
      kind: 'moved',
      local: mine,
      remote: page(lang, live.title),
      evidence: pageEvidence(ctx, live),
    });
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
