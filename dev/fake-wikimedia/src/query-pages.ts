// `action=query&titles=…` with prop=info and prop=pageprops, for Wikidata items and Wikipedia pages
// alike (API:Query, API:Info, API:Pageprops): `normalized` for titles MediaWiki rewrote, `redirects`
// when asked to resolve them (else the redirect page itself, flagged `redirect`), missing and invalid
// titles with negative ids. formatversion=1 keys `pages` by page id and writes true as "";
// formatversion=2 lists pages in an array with real booleans. Shapes follow the captures
// mwcore_wikidata_query_info_*.json, android_reading_list_page_info.json and wptools_query_*.json; a
// redirect to a section adds `tofragment` after `to` (ApiPageSet::getRedirectTitlesAsResult;
// wikimedia-captures/wyqi_enwiki_prefixsearch_redirect_tofragment.json).

import { type ApiRequest, flag, MULTI_VALUE_LIMIT, param } from './api.js';
import { normalizeTitle, splitValues } from './titles.js';

/** A page as the resolver knows it; `redirectTo` makes it a redirect page. */
export interface ResolvedPage {
  readonly pageid: number;
  readonly title: string;
  readonly lastrevid: number;
  readonly touched: string;
  readonly length: number;
  readonly redirectTo?: string;
  readonly redirectFragment?: string;
  readonly pageprops?: Readonly<Record<string, string>>;
}

export interface PageSite {
  readonly contentmodel: 'wikitext' | 'wikibase-item';
  readonly language: string;
  get(title: string): ResolvedPage | undefined;
}

export type PagesResult =
  | { readonly ok: true; readonly query: Record<string, unknown>; readonly warnings: string[] }
  | { readonly ok: false; readonly tooMany: true };

const RTL = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'ckb', 'arz']);
const KNOWN_PROPS = new Set(['info', 'pageprops']);

export function queryPages(request: ApiRequest, site: PageSite): PagesResult {
  const raw = splitValues(param(request, 'titles'));
  if (raw.length > MULTI_VALUE_LIMIT) return { ok: false, tooMany: true };
  const props = new Set(splitValues(param(request, 'prop')));
  const ppprop = request.params.has('ppprop') ? new Set(splitValues(param(request, 'ppprop'))) : undefined;
  const yes = request.fv2 ? true : '';
  const warnings = [...props]
    .filter((p) => !KNOWN_PROPS.has(p))
    .map((p) => `Unrecognized value for parameter "prop": ${p}.`);

  const normalized: Array<Record<string, unknown>> = [];
  const invalid: Array<Record<string, unknown>> = [];
  const titles: string[] = [];
  for (const title of raw) {
    const checked = normalizeTitle(title);
    if (!checked.ok) {
      invalid.push({ title, invalidreason: checked.reason, invalid: yes });
      continue;
    }
    if (checked.title !== title)
      normalized.push(
        request.fv2
          ? { fromencoded: false, from: title, to: checked.title }
          : { from: title, to: checked.title },
      );
    if (!titles.includes(checked.title)) titles.push(checked.title);
  }

  const redirects: Array<{ from: string; to: string; tofragment?: string }> = [];
  const finals: string[] = [];
  for (const title of titles) {
    let current = title;
    if (flag(request, 'redirects')) {
      const seen = new Set([current]);
      for (
        let page = site.get(current);
        page?.redirectTo !== undefined && !seen.has(page.redirectTo);
        page = site.get(current)
      ) {
        redirects.push({
          from: current,
          to: page.redirectTo,
          ...(page.redirectFragment !== undefined ? { tofragment: page.redirectFragment } : {}),
        });
        current = page.redirectTo;
        seen.add(current);
      }
    }
    if (!finals.includes(current)) finals.push(current);
  }

  const info = props.has('info');
  const langInfo = {
    contentmodel: site.contentmodel,
    pagelanguage: site.language,
    pagelanguagehtmlcode: site.language,
    pagelanguagedir: RTL.has(site.language) ? 'rtl' : 'ltr',
  };
  const missing: Array<Record<string, unknown>> = [];
  const found: Array<{ pageid: number; entry: Record<string, unknown> }> = [];
  for (const title of finals) {
    const page = site.get(title);
    if (!page) {
      missing.push({ ns: 0, title, missing: yes, ...(info ? langInfo : {}) });
      continue;
    }
    const entry: Record<string, unknown> = { pageid: page.pageid, ns: 0, title: page.title };
    if (info) {
      Object.assign(entry, langInfo, {
        touched: page.touched,
        lastrevid: page.lastrevid,
        length: page.length,
      });
      if (page.redirectTo !== undefined) entry.redirect = yes;
    }
    if (props.has('pageprops') && page.pageprops) {
      const chosen = Object.entries(page.pageprops).filter(([name]) => !ppprop || ppprop.has(name));
      if (chosen.length) entry.pageprops = Object.fromEntries(chosen);
    }
    found.push({ pageid: page.pageid, entry });
  }
  found.sort((a, b) => a.pageid - b.pageid);

  const query: Record<string, unknown> = {};
  if (normalized.length) query.normalized = normalized;
  if (redirects.length) query.redirects = redirects;
  const negatives = [...invalid, ...missing];
  if (request.fv2) {
    query.pages = [...negatives, ...found.map((f) => f.entry)];
  } else {
    const pages: Record<string, unknown> = {};
    negatives.forEach((entry, i) => {
      pages[String(-(i + 1))] = entry;
    });
    for (const f of found) pages[String(f.pageid)] = f.entry;
    query.pages = pages;
  }
  return { ok: true, query, warnings };
}
