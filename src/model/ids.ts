// Wikidata entity ids as template-literal types, with runtime guards that double as type predicates
// (the wikibase-sdk way). Ids are case-sensitive: the API rejects `q42`, and so do we.

export type ItemId = `Q${number}`;
export type PropertyId = `P${number}`;

const ITEM_ID = /^Q[1-9][0-9]{0,11}$/;
const PROPERTY_ID = /^P[1-9][0-9]{0,11}$/;

export function isItemId(value: unknown): value is ItemId {
  return typeof value === 'string' && ITEM_ID.test(value);
}

export function isPropertyId(value: unknown): value is PropertyId {
  return typeof value === 'string' && PROPERTY_ID.test(value);
}

/** Why `value` is not an item id, in words a user can act on; undefined when it is one. */
export function itemIdProblem(value: unknown): string | undefined {
  if (isItemId(value)) return undefined;
  if (typeof value !== 'string') return `expected a QID string such as "Q42", got ${typeof value}`;
  if (/^q[1-9][0-9]*$/.test(value))
    return `invalid QID "${value}": the Q must be upper-case ("Q${value.slice(1)}")`;
  return `invalid QID "${truncate(value, 40)}": expected Q followed by digits, such as "Q42"`;
}

const WIKIDATA_ENTITY_URL =
  /^https?:\/\/(?:www\.|m\.)?wikidata\.org\/(?:wiki|entity)\/(?:Special:EntityPage\/)?([^/?#]+)\/?$/i;

/** The last path segment of a Wikidata entity URL (`/wiki/Q42`, `/entity/Q42`), valid id or not. */
export function wikidataUrlSegment(url: string): string | undefined {
  return WIKIDATA_ENTITY_URL.exec(url.trim())?.[1];
}

/** The QID of a Wikidata entity URL, if it names one. */
export function itemIdFromUrl(url: string): ItemId | undefined {
  const candidate = wikidataUrlSegment(url);
  return isItemId(candidate) ? candidate : undefined;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
