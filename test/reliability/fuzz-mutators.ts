// The seeded mutators of the upstream fuzz suite (upstream-fuzz.reliability.ts), pure: the kinds of
// malformed-but-plausible answer, what each does to a wbgetentities or action=query answer, which items
// can take which, the whole answers that replace a request's, and the seeded draw of victims. The proxy
// that applies them is fuzz-proxy.ts. A mutator is seeded by the plan's seed and its victim, so a
// retried request is spoiled the same way.

import { gzipSync } from 'node:zlib';
import { mulberry32, type Random } from '../../dev/fake-wikimedia/src/random.js';

/** Spoil one item in a full wbgetentities answer (never the labels|aliases lookups). */
export const ENTITY_KINDS = [
  'drop',
  'otherId',
  'bogusRedirect',
  'labelObject',
  'badTime',
  'claimsArray',
  'wrongType',
  'nul',
  'noRevision',
] as const;
/** Spoil one page in a Wikipedia action=query answer. */
export const PAGE_KINDS = ['pageDrop', 'pageBadType'] as const;
/** Replace the whole answer of a full wbgetentities request that holds the victim. */
export const REQUEST_KINDS = [
  'batchcomplete',
  'entitiesNull',
  'redirect302',
  'truncated',
  'huge',
  'drip',
] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];
export type PageKind = (typeof PAGE_KINDS)[number];
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type MutationKind = EntityKind | PageKind | RequestKind;

export const isRequestKind = (kind: string): kind is RequestKind =>
  (REQUEST_KINDS as readonly string[]).includes(kind);

export interface FuzzPlan {
  readonly seed: number;
  /** QID → what its item becomes, or what the whole answer of a request holding it becomes. */
  readonly items: ReadonlyMap<string, EntityKind | RequestKind>;
  /** "lang:title" → what its page becomes. */
  readonly pages: ReadonlyMap<string, PageKind>;
}

export interface Mutation {
  readonly kind: MutationKind;
  /** The QIDs, or "lang:title"s, the request held. */
  readonly held: readonly string[];
  /** Those the mutation made unreadable. */
  readonly affected: readonly string[];
}

/** What the clean pass saw: the kinds each item can take, the pages that exist, the ids of each request. */
export interface Features {
  readonly items: Map<string, Set<EntityKind>>;
  readonly pages: Set<string>;
  readonly groups: Map<string, number>;
}

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------
// Spoiling one item or page

/** Main snaks of the compared properties whose datatype is one of `datatypes`. */
function fieldSnaks(entity: Json, properties: ReadonlySet<string>, datatypes: readonly string[]): Json[] {
  const claims = isObject(entity.claims) ? entity.claims : {};
  return [...properties].flatMap((property) =>
    (Array.isArray(claims[property]) ? (claims[property] as unknown[]) : [])
      .map((claim) => (isObject(claim) && isObject(claim.mainsnak) ? claim.mainsnak : undefined))
      .filter((snak): snak is Json => isObject(snak?.datavalue) && datatypes.includes(String(snak.datatype))),
  );
}

/** The kinds an item's clean answer can take: only a plain item (not missing, not merged) takes any. */
export function entityKinds(qid: string, entity: unknown, properties: ReadonlySet<string>): Set<EntityKind> {
  const kinds = new Set<EntityKind>();
  if (!isObject(entity) || 'missing' in entity || entity.id !== qid || 'redirects' in entity) return kinds;
  for (const kind of ['drop', 'otherId', 'bogusRedirect', 'claimsArray'] as const) kinds.add(kind);
  const label = isObject(entity.labels) ? entity.labels.en : undefined;
  if (isObject(label) && typeof label.value === 'string') kinds.add('labelObject').add('nul');
  if (typeof entity.lastrevid === 'number') kinds.add('noRevision');
  if (fieldSnaks(entity, properties, ['time']).length > 0) kinds.add('badTime');
  if (fieldSnaks(entity, properties, ['wikibase-item', 'url']).length > 0) kinds.add('wrongType');
  return kinds;
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** Spoils item `qid` of a wbgetentities answer in place; false when it cannot take `kind`. */
export function mutateEntity(
  body: Json,
  qid: string,
  kind: EntityKind,
  properties: ReadonlySet<string>,
  random: Random,
  held: readonly string[],
): boolean {
  const entities = isObject(body.entities) ? body.entities : undefined;
  const entity = entities?.[qid];
  if (!entities || !isObject(entity) || !entityKinds(qid, entity, properties).has(kind)) return false;
  const others = held.filter((id) => id !== qid);
  const other = others.length > 0 ? pick(random, others) : `Q${Number(qid.slice(1)) + 1}`;
  const label = (entity.labels as Json).en as Json;
  switch (kind) {
    case 'drop':
      delete entities[qid];
      break;
    case 'otherId':
      entity.id = other;
      entity.title = other;
      break;
    case 'bogusRedirect':
      entity.redirects = { from: qid, to: other };
      break;
    case 'labelObject':
      label.value = { text: label.value };
      break;
    case 'nul': {
      const text = String(label.value);
      const at = Math.floor(random() * (text.length + 1));
      label.value = `${text.slice(0, at)}\u0000${text.slice(at)}`;
      break;
    }
    case 'noRevision':
      delete entity.lastrevid;
      break;
    case 'claimsArray':
      entity.claims = [1, 2, 3];
      break;
    case 'badTime': {
      const value = (pick(random, fieldSnaks(entity, properties, ['time'])).datavalue as Json).value as Json;
      value.time = '+100000000000000000-13-45T00:00:00Z';
      break;
    }
    case 'wrongType': {
      const snak = pick(random, fieldSnaks(entity, properties, ['wikibase-item', 'url']));
      (snak.datavalue as Json).value = snak.datatype === 'url' ? 42 : 'Q5';
      break;
    }
  }
  return true;
}

const pagesOf = (query: Json): Json[] =>
  (Array.isArray(query.pages) ? query.pages : isObject(query.pages) ? Object.values(query.pages) : []).filter(
    isObject,
  );

/** The title a requested title ends at, through `normalized` then `redirects`. */
function resolved(query: Json, title: string): string {
  const hop = (list: unknown, from: string) =>
    (Array.isArray(list) ? list : []).find((e) => isObject(e) && e.from === from) as Json | undefined;
  const normal = String(hop(query.normalized, title)?.to ?? title);
  return String(hop(query.redirects, normal)?.to ?? normal);
}

/** Whether `title`'s page is in the answer and exists. */
export function pageExists(body: Json, title: string): boolean {
  const query = isObject(body.query) ? body.query : {};
  const page = pagesOf(query).find((p) => p.title === resolved(query, title));
  return page !== undefined && !('missing' in page) && !('invalid' in page);
}

/** Spoils `title`'s page of an action=query answer in place; returns the titles held it made unreadable. */
export function mutatePage(body: Json, title: string, kind: PageKind, held: readonly string[]): string[] {
  const query = isObject(body.query) ? body.query : undefined;
  if (!query || !pageExists(body, title)) return [];
  const target = resolved(query, title);
  const hit = held.filter((t) => resolved(query, t) === target);
  if (kind === 'pageBadType') {
    for (const page of pagesOf(query)) if (page.title === target) page.pageid = 'x';
    return hit;
  }
  const keep = (page: unknown) => !isObject(page) || page.title !== target;
  query.pages = Array.isArray(query.pages)
    ? query.pages.filter(keep)
    : Object.fromEntries(Object.entries(query.pages as Json).filter(([, page]) => keep(page)));
  for (const list of ['normalized', 'redirects'] as const)
    if (Array.isArray(query[list]))
      query[list] = (query[list] as Json[]).filter((e) => !hit.includes(String(e.from)) && e.to !== target);
  return hit;
}

// ---------------------------------------------------------------------------------------------------
// Drawing the victims

export interface Candidate {
  readonly qid: string;
  /** "lang:title" of the record's page, when it has one. */
  readonly page?: string;
}

/**
 * About `share` of the candidates, each with one kind: every whole-request kind once, every item and
 * page kind twice, the rest drawn. A whole-request victim's request (as the clean pass grouped the ids)
 * holds no other victim, and no other victim sits in one, so each mutation is seen on its own.
 */
export function pickVictims(
  seed: number,
  candidates: readonly Candidate[],
  features: Features,
  share = 0.1,
): FuzzPlan {
  const random = mulberry32(seed);
  const order = [...candidates];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as Candidate, order[i] as Candidate];
  }
  const kinds: MutationKind[] = [
    ...REQUEST_KINDS,
    ...ENTITY_KINDS,
    ...ENTITY_KINDS,
    ...PAGE_KINDS,
    ...PAGE_KINDS,
  ];
  const spare = [...ENTITY_KINDS, ...PAGE_KINDS];
  while (kinds.length < Math.round(candidates.length * share)) kinds.push(pick(random, spare));
  const items = new Map<string, EntityKind | RequestKind>();
  const pages = new Map<string, PageKind>();
  const taken = new Set<string>();
  const victimGroups = new Set<number>();
  const requestGroups = new Set<number>();
  for (const kind of kinds) {
    const fits = (c: Candidate) => {
      const group = features.groups.get(c.qid);
      if (taken.has(c.qid) || group === undefined) return false;
      if (isRequestKind(kind)) return !victimGroups.has(group);
      if (requestGroups.has(group)) return false;
      if ((PAGE_KINDS as readonly string[]).includes(kind))
        return c.page !== undefined && features.pages.has(c.page);
      return features.items.get(c.qid)?.has(kind as EntityKind) === true;
    };
    const victim = order.find(fits);
    if (!victim) throw new Error(`seed ${seed}: no candidate left that can take "${kind}"`);
    const group = features.groups.get(victim.qid) as number;
    taken.add(victim.qid);
    victimGroups.add(group);
    if (isRequestKind(kind)) requestGroups.add(group);
    if ((PAGE_KINDS as readonly string[]).includes(kind)) pages.set(victim.page as string, kind as PageKind);
    else items.set(victim.qid, kind as EntityKind | RequestKind);
  }
  return { seed, items, pages };
}

// ---------------------------------------------------------------------------------------------------
// Spoiling a whole answer

export interface WholeAnswer {
  readonly status: number;
  readonly body: Buffer | string;
  readonly headers: Readonly<Record<string, string>>;
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
const bombs = new Map<number, Buffer>();

/** Well-formed JSON once inflated, a mebibyte past `maxBodyBytes`; about 17 KB on the wire. Made once. */
export function gzipBomb(maxBodyBytes: number): Buffer {
  let bomb = bombs.get(maxBodyBytes);
  if (!bomb) {
    bomb = gzipSync(`{"entities":{},"padding":"${' '.repeat(maxBodyBytes + 2 ** 20)}"}`);
    bombs.set(maxBodyBytes, bomb);
  }
  return bomb;
}

/** What answers a request instead of `real` (a drip is sent by the proxy, a byte at a time). */
export function wholeAnswer(
  kind: Exclude<RequestKind, 'drip'>,
  real: Buffer,
  maxBodyBytes: number,
): WholeAnswer {
  if (kind === 'batchcomplete') return { status: 200, body: '{"batchcomplete":""}', headers: JSON_TYPE };
  if (kind === 'entitiesNull') return { status: 200, body: '{"entities":null}', headers: JSON_TYPE };
  if (kind === 'redirect302')
    return {
      status: 302,
      body: '{}',
      headers: { ...JSON_TYPE, Location: '/w/api.php?action=wbgetentities' },
    };
  if (kind === 'truncated')
    return { status: 200, body: real.subarray(0, Math.floor(real.length / 2)), headers: JSON_TYPE };
  const bomb = gzipBomb(maxBodyBytes);
  return { status: 200, body: bomb, headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' } };
}
