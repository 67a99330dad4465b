// Wikidata's answers checked before a value is believed (API:Wbgetentities, the Wikibase JSON data model,
// API:Info). An answer that is well-formed JSON but not whole — an id asked for and not answered, an entity
// under another id without a `redirects` entry, a label that is an object, a month 13 — is a failure of that
// entity, never a finding. Pure; zod describes the shapes (wikidata-shapes.ts), the messages name the path.

import type { z } from 'zod';
import { claimList, entity, type Problem, page } from './wikidata-shapes.js';

export { type Problem, textProblem } from './wikidata-shapes.js';

type Issue = z.core.$ZodIssue;

/** The innermost reason: for a map that is neither `{…}` nor `[]`, what is wrong inside the `{…}`. */
function innermost(
  issue: Issue,
  path: readonly PropertyKey[] = [],
): { path: PropertyKey[]; message: string } {
  const here = [...path, ...issue.path];
  if (issue.code === 'invalid_union') {
    const inner = issue.errors[0]?.[0];
    if (inner) return innermost(inner, here);
  }
  return { path: here, message: issue.message };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const { path, message } = innermost(issue);
  const where = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
  return `${where.join('').replace(/^\./, '') || '(top)'}: ${message}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The answer as a whole: an `entities` map, or nothing of it can be believed. */
export function entitiesEnvelopeProblem(body: unknown): Problem {
  if (!isObject(body)) return 'the answer is not a JSON object';
  if (!isObject(body.entities))
    return `the answer has no "entities" map (got ${body.entities === undefined ? 'none' : JSON.stringify(body.entities).slice(0, 40)})`;
  return undefined;
}

/** A term's key must be its language, or a fallback's `for-language`. */
function termProblems(name: string, terms: unknown): Problem {
  if (!isObject(terms)) return undefined;
  for (const [key, value] of Object.entries(terms)) {
    const list = Array.isArray(value) ? value : [value];
    for (const [index, one] of list.entries()) {
      const entry = one as { language: string; 'for-language'?: string };
      if (entry.language !== key && entry['for-language'] !== key) {
        const where = Array.isArray(value) ? `${name}.${key}[${index}]` : `${name}.${key}`;
        return `${where}: a term in "${entry.language}" listed under "${key}" without "for-language"`;
      }
    }
  }
  return undefined;
}

/**
 * One entity of a wbgetentities answer, as asked for `requested`: the right id (or a `redirects` entry
 * naming it), the right types, and the statements of `properties` readable to the last qualifier.
 * `withInfo`: the request asked for `props=info`, so an existing item carries its `lastrevid`.
 */
export function entityProblem(
  requested: string,
  raw: unknown,
  properties: ReadonlySet<string> | undefined,
  withInfo: boolean,
): Problem {
  if (raw === undefined) return `${requested} was asked for and not answered`;
  if (!isObject(raw)) return `${requested}: the entity is not an object`;
  if ('missing' in raw) {
    if (raw.id !== requested) return `${requested}: answered missing under another id (${String(raw.id)})`;
    return undefined;
  }
  const parsed = entity.safeParse(raw);
  if (!parsed.success) return `${requested}: ${describeIssue(parsed.error)}`;
  const item = parsed.data;
  if (item.id !== requested) {
    if (!item.redirects) return `${requested}: answered as ${item.id}, with no "redirects" entry`;
    if (item.redirects.from !== requested || item.redirects.to !== item.id)
      return `${requested}: a "redirects" entry from ${item.redirects.from} to ${item.redirects.to} for ${item.id}`;
  } else if (item.redirects) {
    return `${requested}: a "redirects" entry on the item itself`;
  }
  if (withInfo && item.lastrevid === undefined)
    return `${requested}: no lastrevid although info was asked for`;
  const terms =
    termProblems('labels', item.labels) ??
    termProblems('descriptions', item.descriptions) ??
    termProblems('aliases', item.aliases);
  if (terms) return `${requested}: ${terms}`;
  if (isObject(item.sitelinks)) {
    for (const [site, link] of Object.entries(item.sitelinks))
      if (link.site !== site) return `${requested}: sitelinks.${site} names the site "${link.site}"`;
  }
  const claims = isObject(item.claims) ? item.claims : {};
  for (const property of properties ?? Object.keys(claims)) {
    if (!Object.hasOwn(claims, property)) continue;
    const list = claimList.safeParse(claims[property]);
    if (!list.success)
      return `${requested}: claims.${property}${describeIssue(list.error).replace(/^(?=[^[])/, '.')}`;
    for (const [index, statement] of list.data.entries()) {
      if (statement.mainsnak.property !== property)
        return `${requested}: claims.${property}[${index}] is a statement of ${statement.mainsnak.property}`;
      for (const [qualifier, snaks] of Object.entries(statement.qualifiers ?? {}))
        for (const qualifierSnak of snaks as Array<{ property: string }>)
          if (qualifierSnak.property !== qualifier)
            return `${requested}: claims.${property}[${index}].qualifiers.${qualifier} holds a ${qualifierSnak.property} snak`;
    }
  }
  return undefined;
}

/** The pages of an `action=query` answer: a list in formatversion 2, a map by page id in 1; none when absent. */
export function queryPages(body: unknown): unknown[] {
  const query = isRecord(body) && isRecord(body.query) ? body.query : {};
  if (Array.isArray(query.pages)) return query.pages;
  return isRecord(query.pages) ? Object.values(query.pages) : [];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An `action=query` answer: a `query` map whose `pages` are a list (fv2) or a map by page id (fv1). */
export function queryEnvelopeProblem(body: unknown): Problem {
  if (!isObject(body)) return 'the answer is not a JSON object';
  if (!isObject(body.query))
    return `the answer has no "query" map (got ${body.query === undefined ? 'none' : JSON.stringify(body.query).slice(0, 40)})`;
  const pages = body.query.pages;
  if (!Array.isArray(pages) && !isObject(pages)) return 'the answer has no "query.pages"';
  for (const list of ['normalized', 'redirects'] as const) {
    const entries = body.query[list];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) return `"query.${list}" is not a list`;
    for (const [index, entry] of entries.entries()) {
      if (!isObject(entry) || typeof entry.from !== 'string' || typeof entry.to !== 'string')
        return `"query.${list}[${index}]" is not a {from, to} pair`;
      if (entry.tofragment !== undefined && typeof entry.tofragment !== 'string')
        return `"query.${list}[${index}].tofragment" is not text`;
    }
  }
  return undefined;
}

/** One page of an `action=query&prop=info` answer: typed fields, and a revision when it exists. */
export function pageProblem(raw: unknown): Problem {
  const parsed = page.safeParse(raw);
  if (!parsed.success) return describeIssue(parsed.error);
  const found = raw as Record<string, unknown>;
  const absent =
    ('missing' in found && found.missing !== false) || ('invalid' in found && found.invalid !== false);
  if (!absent && (parsed.data.lastrevid === undefined || parsed.data.pageid === undefined))
    return `the page "${parsed.data.title}" exists but has no pageid or lastrevid`;
  return undefined;
}
