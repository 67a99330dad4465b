// Builders for Wikibase snaks and statements in the JSON form wbgetentities returns, and the
// datatypes of the properties the fake knows. Pure: randomness (hashes, GUIDs) is passed in.

import { FakeInputError } from './errors.js';
import type { Random } from './random.js';
import type { DataValue, Rank, Reference, Snak, SnakType, Statement } from './types.js';

export type Datatype =
  | 'wikibase-item'
  | 'time'
  | 'url'
  | 'string'
  | 'external-id'
  | 'quantity'
  | 'monolingualtext';

const GREGORIAN = 'http://www.wikidata.org/entity/Q1985727';

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where hashes and statement ids are written before they are copied out as one string. */
const scratch = Buffer.alloc(256);

/**
 * Writes the hex digits random.ts's `hex(random, length)` draws (eight a draw, the last draw cut
 * short) at `offset`; returns the offset after them.
 */
function writeHex(random: Random, length: number, offset: number): number {
  for (let written = 0; written < length; ) {
    const n = (random() * 4294967296) >>> 0;
    for (let shift = 28; shift >= 0 && written < length; shift -= 4, written++)
      scratch[offset + written] = HEX_DIGITS[(n >>> shift) & 15] as number;
  }
  return offset + length;
}

// Hashes and statement ids are the same text hex() and guid() make, but written out as one flat
// string: theirs are joins of pieces, which V8 keeps as trees that JSON.stringify must flatten
// first — for the ~400 hashes and ids of a big item, a large part of serialising it.

/** A snak or reference hash: 40 hex digits, as `hex(random, 40)`. */
function hash40(random: Random): string {
  return scratch.toString('latin1', 0, writeHex(random, 40, 0));
}

/** `Q1$xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, as `${entityId}$${guid(random)}`. */
function statementId(entityId: string, random: Random): string {
  const digits = 128;
  writeHex(random, 32, digits);
  let at = scratch.write(entityId, 0, 'latin1');
  scratch[at++] = 0x24; // $
  for (const [start, end] of GUID_GROUPS) {
    if (start > 0) scratch[at++] = 0x2d; // -
    scratch.copy(scratch, at, digits + start, digits + end);
    at += end - start;
  }
  return scratch.toString('latin1', 0, at);
}

const GUID_GROUPS = [
  [0, 8],
  [8, 12],
  [12, 16],
  [16, 20],
  [20, 32],
] as const;

/** Datatypes of the properties the generator and the mutation API use (as on Wikidata). */
export const PROPERTY_DATATYPES: Readonly<Record<string, Datatype>> = {
  P31: 'wikibase-item',
  P127: 'wikibase-item',
  P138: 'wikibase-item',
  P143: 'wikibase-item',
  P155: 'wikibase-item',
  P156: 'wikibase-item',
  P178: 'wikibase-item',
  P248: 'wikibase-item',
  P275: 'wikibase-item',
  P277: 'wikibase-item',
  P306: 'wikibase-item',
  P400: 'wikibase-item',
  P407: 'wikibase-item',
  P548: 'wikibase-item',
  P1072: 'wikibase-item',
  P1073: 'wikibase-item',
  P2241: 'wikibase-item',
  P3966: 'wikibase-item',
  P348: 'string',
  P2572: 'string',
  P571: 'time',
  P577: 'time',
  P580: 'time',
  P585: 'time',
  P813: 'time',
  P6949: 'time',
  P856: 'url',
  P854: 'url',
  P1324: 'url',
  P1401: 'url',
  P2078: 'url',
  P4945: 'url',
  P646: 'external-id',
  P2002: 'external-id',
  P2037: 'external-id',
  P3417: 'external-id',
  P1482: 'url',
  P8687: 'quantity',
  P2047: 'quantity',
  P1448: 'monolingualtext',
};

export function itemValue(qid: string): DataValue {
  return {
    value: { 'entity-type': 'item', 'numeric-id': Number(qid.slice(1)), id: qid },
    type: 'wikibase-entityid',
  };
}

export function stringValue(text: string): DataValue {
  return { value: text, type: 'string' };
}

export function quantityValue(amount: number, unit = '1'): DataValue {
  return { value: { amount: `${amount < 0 ? '' : '+'}${amount}`, unit }, type: 'quantity' };
}

/** A time value at day (11), month (10) or year (9) precision, the way Wikibase writes each. */
export function timeValue(year: number, month: number, day: number, precision: 9 | 10 | 11): DataValue {
  const mm = precision >= 10 ? String(month).padStart(2, '0') : '00';
  const dd = precision >= 11 ? String(day).padStart(2, '0') : '00';
  return {
    value: {
      time: `+${String(year).padStart(4, '0')}-${mm}-${dd}T00:00:00Z`,
      timezone: 0,
      before: 0,
      after: 0,
      precision,
      calendarmodel: GREGORIAN,
    },
    type: 'time',
  };
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a time value of the matching precision; undefined if not a date. */
export function timeValueFromIso(text: string): DataValue | undefined {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const precision = day ? 11 : month ? 10 : 9;
  return timeValue(Number(year), Number(month ?? 0), Number(day ?? 0), precision);
}

export function snak(
  property: string,
  datatype: Datatype,
  value: DataValue | SnakType,
  random: Random,
): Snak {
  const hash = hash40(random);
  if (typeof value === 'string') return { snaktype: value, property, hash, datatype };
  return { snaktype: 'value', property, hash, datavalue: value, datatype };
}

export interface StatementParts {
  readonly rank?: Rank;
  readonly qualifiers?: readonly Snak[];
  /** Each reference is a list of snaks. */
  readonly references?: ReadonlyArray<readonly Snak[]>;
}

function groupSnaks(snaks: readonly Snak[]): { map: Record<string, Snak[]>; order: string[] } {
  const map: Record<string, Snak[]> = {};
  const order: string[] = [];
  for (const one of snaks) {
    if (!map[one.property]) {
      map[one.property] = [];
      order.push(one.property);
    }
    map[one.property]?.push(one);
  }
  return { map, order };
}

export function statement(
  entityId: string,
  mainsnak: Snak,
  random: Random,
  parts: StatementParts = {},
): Statement {
  // Literals, not spreads: a big generated item has ~200 of these, and the key order (the order
  // Wikibase writes them in) is what the JSON shows.
  const qualifiers = parts.qualifiers?.length ? groupSnaks(parts.qualifiers) : undefined;
  const references = parts.references?.length
    ? parts.references.map((snaks) => reference(snaks, random))
    : undefined;
  const id = statementId(entityId, random);
  const rank = parts.rank ?? 'normal';
  if (qualifiers && references)
    return {
      mainsnak,
      type: 'statement',
      qualifiers: qualifiers.map,
      'qualifiers-order': qualifiers.order,
      id,
      rank,
      references,
    };
  if (qualifiers)
    return {
      mainsnak,
      type: 'statement',
      qualifiers: qualifiers.map,
      'qualifiers-order': qualifiers.order,
      id,
      rank,
    };
  if (references) return { mainsnak, type: 'statement', id, rank, references };
  return { mainsnak, type: 'statement', id, rank };
}

function reference(snaks: readonly Snak[], random: Random): Reference {
  const grouped = groupSnaks(snaks);
  return { hash: hash40(random), snaks: grouped.map, 'snaks-order': grouped.order };
}

/**
 * The main snak the mutation API sets from a plain input: a QID for item properties, `YYYY[-MM[-DD]]`
 * for time properties, text otherwise; `{snaktype: 'novalue' | 'somevalue'}` for the special snaks.
 */
export function snakFromInput(property: string, input: unknown, random: Random): Snak {
  if (typeof input === 'object' && input !== null && 'snaktype' in input) {
    const type = (input as { snaktype: unknown }).snaktype;
    if (type === 'novalue' || type === 'somevalue')
      return snak(property, PROPERTY_DATATYPES[property] ?? 'string', type, random);
    throw new FakeInputError(`snaktype must be "novalue" or "somevalue", got ${JSON.stringify(type)}`);
  }
  if (typeof input === 'number') return snak(property, 'quantity', quantityValue(input), random);
  if (typeof input !== 'string')
    throw new FakeInputError(`value for ${property}: expected a string, number or snaktype`);
  const known = PROPERTY_DATATYPES[property];
  const datatype: Datatype =
    known ?? (/^Q[1-9]\d*$/.test(input) ? 'wikibase-item' : timeValueFromIso(input) ? 'time' : 'string');
  switch (datatype) {
    case 'wikibase-item':
      if (!/^Q[1-9]\d*$/.test(input))
        throw new FakeInputError(`value for ${property}: expected a QID, got "${input}"`);
      return snak(property, datatype, itemValue(input), random);
    case 'time': {
      const value = timeValueFromIso(input);
      if (!value)
        throw new FakeInputError(
          `value for ${property}: expected YYYY, YYYY-MM or YYYY-MM-DD, got "${input}"`,
        );
      return snak(property, datatype, value, random);
    }
    case 'quantity':
      return snak(property, datatype, quantityValue(Number(input)), random);
    case 'monolingualtext':
      return snak(
        property,
        datatype,
        { value: { text: input, language: 'en' }, type: 'monolingualtext' },
        random,
      );
    default:
      return snak(property, datatype, stringValue(input), random);
  }
}
