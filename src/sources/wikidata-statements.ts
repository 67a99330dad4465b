// An entity's claims → statements by property, and a Wikidata time at our precisions (for
// wikidata-parse.ts). Pure. Claims go through wikibase-sdk's simplifyPropertyClaims with everything kept
// (ranks, ids, qualifiers, snak types, rich values, and time as Wikidata wrote it — the default ISO
// converter would lose the precision).

import { simplifyPropertyClaims } from 'wikibase-sdk';
import { isItemId, type PropertyId } from '../model/ids.js';
import type { Rank, RemoteSnak, RemoteStatement, RemoteValue, SnakType } from '../model/remote.js';
import type { TimePrecision, TimeValue } from '../model/time.js';

/** A JSON object of an answer; shared with wikidata-parse.ts. */
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const CALENDARS: Record<string, string> = {
  'http://www.wikidata.org/entity/Q1985727': 'gregorian',
  'http://www.wikidata.org/entity/Q1985786': 'julian',
};

/**
 * A Wikidata time (`+2024-02-00T00:00:00Z`, precision 10) at our precisions. Years may be negative and
 * longer than four digits (`-13798000000-00-00T00:00:00Z`); `-00` months and days mean "not given".
 */
export function wikidataTime(time: string, precision: number): TimeValue | undefined {
  const match = /^([+-])(\d+)-(\d{2})-(\d{2})T/.exec(time);
  if (!match || precision < 9) return undefined;
  const year = Number(match[2]) * (match[1] === '-' ? -1 : 1);
  const [month, day] = [Number(match[3]), Number(match[4])];
  const level: TimePrecision =
    precision >= 11 && day > 0 ? 'day' : precision >= 10 && month > 0 ? 'month' : 'year';
  if (level === 'day') return { year, month, day, precision: 'day' };
  if (level === 'month') return { year, month, precision: 'month' };
  return { year, precision: 'year' };
}

function remoteValue(datatype: string, value: unknown): RemoteValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (datatype === 'wikibase-item') return isItemId(value) ? { type: 'item', id: value } : undefined;
  if (datatype === 'time' && isObject(value)) {
    const time = String(value.time);
    const precision = Number(value.precision);
    const calendar = CALENDARS[String(value.calendarmodel)] ?? String(value.calendarmodel);
    const parsed = wikidataTime(time, precision);
    return { type: 'time', time, precision, calendar, ...(parsed ? { value: parsed } : {}) };
  }
  if (datatype === 'monolingualtext' && isObject(value)) {
    return { type: 'monolingualtext', text: String(value.text), language: String(value.language) };
  }
  if (datatype === 'quantity' && isObject(value)) {
    return { type: 'quantity', amount: String(value.amount), unit: String(value.unit) };
  }
  if (typeof value === 'string') return { type: 'string', datatype, value };
  return { type: 'other', datatype, value };
}

interface SimplifiedSnak {
  value?: unknown;
  datatype?: string;
  snaktype?: SnakType;
  rank?: Rank;
  id?: string;
  qualifiers?: Record<string, SimplifiedSnak[]>;
}

function snak(simplified: SimplifiedSnak): RemoteSnak {
  const snaktype = simplified.snaktype ?? 'value';
  const value = snaktype === 'value' ? remoteValue(simplified.datatype ?? '', simplified.value) : undefined;
  return value ? { snaktype, value } : { snaktype };
}

const SIMPLIFY_OPTIONS = {
  keepRanks: true,
  keepNonTruthy: true,
  keepIds: true,
  keepQualifiers: true,
  keepSnaktypes: true,
  keepRichValues: true,
  keepTypes: true,
  timeConverter: 'none',
} as const;

/** One property's claims as statements, every rank kept (what simplifyClaims does for each property). */
function propertyStatements(property: string, claims: unknown): RemoteStatement[] {
  if (!Array.isArray(claims)) return [];
  const simplified = simplifyPropertyClaims(
    claims as Parameters<typeof simplifyPropertyClaims>[0],
    SIMPLIFY_OPTIONS,
  ) as unknown as SimplifiedSnak[];
  return simplified.map((claim) => ({
    ...snak(claim),
    id: claim.id ?? '',
    property: property as PropertyId,
    rank: claim.rank ?? 'normal',
    qualifiers: Object.fromEntries(
      Object.entries(claim.qualifiers ?? {}).map(([p, snaks]) => [p, snaks.map(snak)]),
    ),
  }));
}

/**
 * An entity's `claims` as statements by property, every rank kept. With `properties`, only those
 * are kept: the diff reads the few properties its fields name, while a big item has dozens
 * (versions, file formats, identifiers), and simplifying them all was a seventh of a worker's CPU in
 * a first night. Without, every property is listed and each is simplified when it is first read,
 * then kept; reading them all (Object.entries, JSON.stringify, toEqual) sees the same plain data.
 */
export function parseStatements(
  claims: unknown,
  properties?: ReadonlySet<string>,
): Record<string, RemoteStatement[]> {
  if (!isObject(claims)) return {};
  const statements: Record<string, RemoteStatement[]> = {};
  if (properties) {
    for (const property of properties)
      if (Object.hasOwn(claims, property))
        statements[property] = propertyStatements(property, claims[property]);
    return statements;
  }
  for (const property of Object.keys(claims)) {
    Object.defineProperty(statements, property, {
      enumerable: true,
      configurable: true,
      get() {
        const value = propertyStatements(property, claims[property]);
        Object.defineProperty(statements, property, { value, enumerable: true });
        return value;
      },
    });
  }
  return statements;
}
