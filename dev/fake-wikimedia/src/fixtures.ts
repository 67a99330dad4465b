// Reading fixture files into the fake's world. Lenient by design: any JSON file in the folder is
// looked at and used for what it is — a wbgetentities response or a bare entity (entities, missing
// ids, merged ids), an action=query response (Wikidata page facts and redirects, or Wikipedia pages,
// redirects and page props), a recentchanges response (the change feed), or a prop=revisions
// response for items (their revision history, which `prop=revisions&revids=…` then answers from);
// error samples and anything else are skipped and listed. The same entity in several files is merged, fullest first.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WikidataFixtures } from './items.js';
import type { WikiFixtures, WikiRedirect } from './pages.js';
import { hash32 } from './random.js';
import type { Entity, PageInfo, RecentChange, Revision, Term, WikiPage } from './types.js';
import { mwTimestamp } from './types.js';

export interface Fixtures {
  readonly wikidata: WikidataFixtures;
  readonly wikis: ReadonlyMap<string, WikiFixtures>;
  readonly changes: readonly RecentChange[];
  readonly files: readonly string[];
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const MERGED_KEYS = ['labels', 'descriptions', 'aliases', 'claims', 'sitelinks'] as const;

/** A captured term map without languagefallback's substitutes (a term in another language than its key). */
function ownTerms(terms: unknown): unknown {
  if (!isObject(terms)) return terms;
  const own = Object.entries(terms).filter(
    ([language, term]) => isObject(term) && term.language === language && term['for-language'] === undefined,
  );
  return Object.fromEntries(own) as Record<string, Term>;
}

/** prop=info facts of a Wikipedia page, with stand-ins (derived from the title) for those not captured. */
function wikiPageInfo(lang: string, page: Json): PageInfo {
  const n = hash32('captured-page', lang, String(page.title));
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  return {
    pageid: number(page.pageid, 80_000_000 + (n % 9_000_000)),
    lastrevid: number(page.lastrevid, 800_000_000 + (n % 100_000_000)),
    touched:
      typeof page.touched === 'string'
        ? page.touched
        : mwTimestamp(Date.UTC(2024, 0, 1) + (n % 31_536_000) * 1000),
    length: number(page.length, 1_000 + (n % 50_000)),
  };
}

/** Two captures of one entity as one: the newer revision's fields win, maps are united. */
function mergeEntity(a: Entity | undefined, b: Entity): Entity {
  if (!a) return b;
  const [primary, secondary] = (b.lastrevid ?? 0) > (a.lastrevid ?? 0) ? [b, a] : [a, b];
  const merged: Record<string, unknown> = { ...secondary, ...primary };
  for (const key of MERGED_KEYS) {
    if (primary[key] || secondary[key]) merged[key] = { ...secondary[key], ...primary[key] };
  }
  return merged as unknown as Entity;
}

function pagesOf(query: Json): Json[] {
  const pages = query.pages;
  if (Array.isArray(pages)) return pages.filter(isObject);
  return isObject(pages) ? Object.values(pages).filter(isObject) : [];
}

const present = (value: unknown) => value === true || value === '';
const ITEM_TITLE = /^Q[1-9]\d*$/;

/**
 * The revisions of a captured `prop=revisions` answer for items (rvprop ids, timestamp, comment and
 * user; a member the capture lacks is left empty); none when no page holds an item's revisions.
 */
function capturedRevisions(pages: readonly Json[]): Revision[] {
  const revisions: Revision[] = [];
  for (const page of pages) {
    if (typeof page.title !== 'string' || !ITEM_TITLE.test(page.title) || !Array.isArray(page.revisions))
      continue;
    for (const rev of page.revisions.filter(isObject)) {
      if (typeof rev.revid !== 'number') continue;
      revisions.push({
        revid: rev.revid,
        parentid: typeof rev.parentid === 'number' ? rev.parentid : 0,
        pageid: Number(page.pageid),
        ns: 0,
        title: page.title,
        timestamp: String(rev.timestamp ?? ''),
        comment: String(rev.comment ?? ''),
        user: String(rev.user ?? ''),
      });
    }
  }
  return revisions;
}

export function collectFixtures(
  files: ReadonlyArray<{ readonly name: string; readonly json: unknown }>,
): Fixtures {
  const entities = new Map<string, Entity>();
  const itemPages = new Map<string, Partial<PageInfo>>();
  const redirects = new Map<string, string>();
  const missing = new Set<string>();
  const revisions = new Map<number, Revision>();
  const wikis = new Map<string, { pages: Map<string, WikiPage>; redirects: Map<string, WikiRedirect> }>();
  const changes: RecentChange[] = [];
  const used: string[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  const wiki = (lang: string) => {
    let found = wikis.get(lang);
    if (!found) {
      found = { pages: new Map(), redirects: new Map() };
      wikis.set(lang, found);
    }
    return found;
  };
  const addEntity = (value: Json) => {
    const entity = value as unknown as Entity;
    const { redirects: via, ...rest } = value;
    if (isObject(via) && typeof via.from === 'string' && typeof via.to === 'string')
      redirects.set(via.from, via.to);
    if ('labels' in rest) rest.labels = ownTerms(rest.labels);
    if ('descriptions' in rest) rest.descriptions = ownTerms(rest.descriptions);
    entities.set(entity.id, mergeEntity(entities.get(entity.id), rest as unknown as Entity));
  };

  for (const { name, json } of files) {
    if (!isObject(json)) {
      skipped.push({ file: name, reason: 'not a JSON object' });
      continue;
    }
    if (json.error || json.errors) {
      skipped.push({ file: name, reason: 'an error sample' });
      continue;
    }
    if (isObject(json.entities)) {
      for (const value of Object.values(json.entities)) {
        if (!isObject(value)) continue;
        if (value.missing !== undefined) {
          if (typeof value.id === 'string') missing.add(value.id);
        } else if (typeof value.id === 'string') addEntity(value);
      }
      used.push(name);
    } else if (typeof json.type === 'string' && typeof json.id === 'string') {
      addEntity(json);
      used.push(name);
    } else if (isObject(json.query)) {
      const query = json.query;
      const pages = pagesOf(query);
      const history = capturedRevisions(pages);
      if (history.length) {
        for (const revision of history) revisions.set(revision.revid, revision);
        used.push(name);
        continue;
      }
      const isWikidata =
        pages.some((p) => p.contentmodel === 'wikibase-item') || Array.isArray(query.recentchanges);
      const lang = String(pages.find((p) => typeof p.pagelanguage === 'string')?.pagelanguage ?? 'en');
      for (const r of Array.isArray(query.redirects) ? query.redirects.filter(isObject) : []) {
        if (typeof r.from !== 'string' || typeof r.to !== 'string') continue;
        if (isWikidata) redirects.set(r.from, r.to);
        else
          wiki(lang).redirects.set(r.from, {
            to: r.to,
            ...(typeof r.tofragment === 'string' ? { fragment: r.tofragment } : {}),
          });
      }
      for (const page of pages) {
        if (typeof page.title !== 'string' || present(page.invalid)) continue;
        if (present(page.missing)) {
          if (isWikidata) missing.add(page.title);
          continue;
        }
        if (isWikidata) {
          itemPages.set(page.title, {
            pageid: Number(page.pageid),
            lastrevid: Number(page.lastrevid),
            touched: String(page.touched),
            length: Number(page.length),
          });
          continue;
        }
        const info = wikiPageInfo(lang, page);
        const props = isObject(page.pageprops) ? page.pageprops : {};
        wiki(lang).pages.set(page.title, {
          ...info,
          title: page.title,
          ...(typeof props.wikibase_item === 'string' ? { wikibaseItem: props.wikibase_item } : {}),
          ...(props.disambiguation !== undefined ? { disambiguation: true } : {}),
        });
      }
      for (const change of Array.isArray(query.recentchanges) ? query.recentchanges.filter(isObject) : []) {
        const rc = change as unknown as RecentChange;
        if (typeof rc.rcid !== 'number' || typeof rc.timestamp !== 'string') continue;
        changes.push(rc);
        // A merged item's own page facts are known only from the feed (its last edit made it a redirect).
        const known = itemPages.get(rc.title);
        if (rc.type !== 'log' && rc.revid > (known?.lastrevid ?? 0))
          itemPages.set(rc.title, { pageid: rc.pageid, lastrevid: rc.revid, touched: rc.timestamp });
      }
      used.push(name);
    } else {
      skipped.push({ file: name, reason: 'neither entities nor a query response' });
    }
  }
  for (const id of redirects.keys()) entities.delete(id);
  return {
    wikidata: { entities, pages: itemPages, redirects, missing, revisions },
    wikis,
    changes,
    files: used,
    skipped,
  };
}

/** Every `*.json` file of `dir` (not its subfolders); a file that is not JSON is skipped and listed. */
export function loadFixtures(dir: string): Fixtures {
  const files: Array<{ name: string; json: unknown }> = [];
  const unreadable: Array<{ file: string; reason: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    try {
      files.push({ name, json: JSON.parse(readFileSync(path.join(dir, name), 'utf8')) });
    } catch (error) {
      unreadable.push({ file: name, reason: (error as Error).message });
    }
  }
  const fixtures = collectFixtures(files);
  return { ...fixtures, skipped: [...unreadable, ...fixtures.skipped] };
}

export const NO_FIXTURES: Fixtures = collectFixtures([]);
