// Wikidata Action API responses → plain remote data, each entity checked before it is believed
// (wikidata-validate.ts). Pure: terms, sitelinks, missing and merged items, and revisions are read here;
// an entity's claims become statements in wikidata-statements.ts.

import { type ItemId, isItemId } from '../model/ids.js';
import type { ItemLabels, ItemLookup, ItemRevision, Sitelink, UnreadableAnswer } from '../model/remote.js';
import { isObject, type Json, parseStatements } from './wikidata-statements.js';
import { entityProblem, pageProblem, queryPages } from './wikidata-validate.js';

/**
 * Terms by the language they are really in. Only a term in the language it is listed under, or in `mul`
 * (the name that is the same in every language), is kept: `languagefallback` also lists other languages'
 * terms under the one asked for (`{"language":"en","value":…,"for-language":"vi"}`), and those are not
 * the asked language's term. A `mul` term is kept under `mul`.
 */
function terms(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(raw)) return out;
  for (const [key, term] of Object.entries(raw)) {
    if (!isObject(term) || typeof term.value !== 'string') continue;
    if (term.language === key) out[key] = term.value;
    else if (term.language === 'mul' && out.mul === undefined) out.mul = term.value;
  }
  return out;
}

/** Aliases by the language they are in, on the same rule as terms; `mul` aliases count for every language. */
function aliasTerms(raw: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isObject(raw)) return out;
  for (const [key, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) continue;
    for (const alias of list) {
      if (!isObject(alias) || typeof alias.value !== 'string') continue;
      const language = alias.language === key ? key : alias.language === 'mul' ? 'mul' : undefined;
      if (language === undefined) continue;
      const known = out[language] ?? [];
      if (!known.includes(alias.value)) known.push(alias.value);
      out[language] = known;
    }
  }
  return out;
}

function sitelinks(raw: unknown): Record<string, Sitelink> {
  if (!isObject(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw).flatMap(([site, link]) => {
      if (!isObject(link)) return [];
      const badges = Array.isArray(link.badges) ? link.badges.map(String) : [];
      const parsed: Sitelink = {
        title: String(link.title),
        badges,
        ...(typeof link.url === 'string' ? { url: link.url } : {}),
      };
      return [[site, parsed]];
    }),
  );
}

/** The missing marker: `"missing": ""` in both formatversions of wbgetentities, `true` in query fv2. */
const isMissing = (entity: Json) => 'missing' in entity && entity.missing !== false;

export interface ParseOptions {
  /**
   * The properties whose statements are wanted (the statement fields'); the others are left out, and
   * the response can be collected as soon as it is parsed. Every property when absent.
   */
  readonly properties?: ReadonlySet<string>;
  /** The request asked for `props=info`: an existing item must carry its `lastrevid`. */
  readonly withInfo?: boolean;
}

const unreadable = (requested: string, reason: string): UnreadableAnswer => ({
  kind: 'unreadable',
  requested,
  reason,
});

/**
 * A wbgetentities response, by requested id. A merged item comes keyed by the requested id with the
 * target's `id` and `redirects: {from, to}`; a missing one as `{id, missing: ""}`. Only those explicit
 * markers make an item missing or merged: an id the answer does not mention, an entity under another id
 * without a `redirects` entry, or a value of the wrong shape is unreadable (validated per entity, so one
 * bad entity does not take its batch with it). The caller checks the envelope first
 * (entitiesEnvelopeProblem).
 */
export function parseEntities(
  body: unknown,
  requested: readonly ItemId[],
  options: ParseOptions = {},
): Map<ItemId, ItemLookup | UnreadableAnswer> {
  const entities = isObject(body) && isObject(body.entities) ? body.entities : {};
  const found = new Map<ItemId, ItemLookup | UnreadableAnswer>();
  for (const id of requested) {
    const entity = entities[id];
    const problem = entityProblem(id, entity, options.properties, options.withInfo === true);
    if (problem) {
      found.set(id, unreadable(id, problem));
      continue;
    }
    if (!isObject(entity) || !isItemId(entity.id)) continue; // checked above
    if (isMissing(entity)) {
      found.set(id, { kind: 'missing', requested: id });
      continue;
    }
    try {
      found.set(id, {
        kind: 'item',
        id: entity.id,
        requested: id,
        ...(entity.id !== id ? { redirectedFrom: id } : {}),
        ...(typeof entity.lastrevid === 'number' ? { lastrevid: entity.lastrevid } : {}),
        ...(typeof entity.modified === 'string' ? { modified: entity.modified } : {}),
        labels: terms(entity.labels),
        descriptions: terms(entity.descriptions),
        aliases: aliasTerms(entity.aliases),
        sitelinks: sitelinks(entity.sitelinks),
        statements: parseStatements(entity.claims, options.properties),
      });
    } catch (error) {
      found.set(id, unreadable(id, `${id}: could not be read (${(error as Error).message})`));
    }
  }
  return found;
}

/** Labels and aliases of referenced items from a `props=labels|aliases` batch. */
export function parseLabels(
  body: unknown,
  requested: readonly ItemId[],
): Map<ItemId, ItemLabels | UnreadableAnswer> {
  const result = new Map<ItemId, ItemLabels | UnreadableAnswer>();
  for (const [id, lookup] of parseEntities(body, requested, { properties: new Set() })) {
    if (lookup.kind === 'unreadable') result.set(id, lookup);
    else
      result.set(
        id,
        lookup.kind === 'missing'
          ? { id, labels: {}, aliases: {}, missing: true }
          : { id: lookup.id, labels: lookup.labels, aliases: lookup.aliases },
      );
  }
  return result;
}

/**
 * A revision check (`action=query&prop=info&titles=Q1|…&redirects=1`), in either formatversion: pages
 * as an array (fv2) or keyed by page id (fv1), merges in `query.redirects`, missing pages flagged. A
 * requested id the answer does not account for, or a page without its revision, is unreadable. The
 * caller checks the envelope first (queryEnvelopeProblem).
 */
export function parseRevisions(
  body: unknown,
  requested: readonly ItemId[],
): Map<ItemId, ItemRevision | UnreadableAnswer> {
  const query = isObject(body) && isObject(body.query) ? body.query : {};
  const pages = queryPages(body).filter(isObject);
  const byTitle = new Map(pages.map((page) => [String(page.title).replace(/^Item:/, ''), page]));
  const redirects = new Map(
    (Array.isArray(query.redirects) ? query.redirects : [])
      .filter(isObject)
      .map((r) => [String(r.from).replace(/^Item:/, ''), String(r.to).replace(/^Item:/, '')]),
  );
  const result = new Map<ItemId, ItemRevision | UnreadableAnswer>();
  for (const id of requested) {
    const target = redirects.get(id);
    if (target !== undefined && !isItemId(target)) {
      result.set(id, unreadable(id, `${id}: redirects to "${target.slice(0, 40)}", not an item`));
      continue;
    }
    const finalId = target ?? id;
    const page = byTitle.get(finalId);
    if (!page) {
      result.set(id, unreadable(id, `${id} was asked for and not answered`));
      continue;
    }
    const problem = pageProblem(page);
    if (problem) {
      result.set(id, unreadable(id, `${id}: ${problem}`));
      continue;
    }
    const missing = isMissing(page);
    result.set(id, {
      requested: id,
      id: finalId,
      missing,
      ...(finalId !== id ? { redirectedFrom: id } : {}),
      ...(!missing && typeof page.lastrevid === 'number' ? { lastrevid: page.lastrevid } : {}),
    });
  }
  return result;
}
