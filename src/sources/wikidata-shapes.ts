// The shapes of Wikidata's answers as zod schemas (API:Wbgetentities, the Wikibase JSON data model,
// API:Info): an entity, its terms and sitelinks, its statements down to each qualifier's datavalue, and a
// page of an `action=query` answer; and the text Wikibase never stores. Pure; wikidata-validate.ts checks
// answers against them and words the problems.

import { z } from 'zod';
import { isItemId } from '../model/ids.js';

/** Why a piece of an answer cannot be believed, or undefined when it can. */
export type Problem = string | undefined;

/**
 * Text a real Wikibase never stores: control characters (terms and strings are trimmed and refuse tabs
 * and newlines) and lone UTF-16 surrogates (not Unicode). Either means the answer is not Wikidata's.
 */
const IMPOSSIBLE_TEXT = /[\p{Cc}\p{Cs}]/u;

export function textProblem(text: string): Problem {
  const match = IMPOSSIBLE_TEXT.exec(text);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)?.toString(16).padStart(4, '0');
  return `holds U+${code?.toUpperCase()} at ${match.index}, which Wikibase never stores`;
}

const text = z.string().superRefine((value, ctx) => {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const itemId = z.string().refine(isItemId, 'expected an item id such as "Q42"');
const propertyId = z.string().regex(/^P[1-9]\d*$/, 'expected a property id such as "P31"');

/**
 * An empty map: `{}` since April 2019, `[]` in older answers (PHP's empty array). Any other array is not
 * a map.
 */
const map = <T extends z.ZodType>(key: z.ZodType<string>, value: T) =>
  z.union([z.record(key, value), z.array(z.never()).max(0)]);

/** `+2024-02-15T00:00:00Z`: a signed year of up to 16 digits, month and day that can exist (or `00`). */
const TIME = /^[+-](\d{1,16})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const timeValue = z.looseObject({
  time: z.string().superRefine((value, ctx) => {
    const match = TIME.exec(value);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 40)}" is not a Wikibase time` });
      return;
    }
    const [month, day] = [Number(match[2]), Number(match[3])];
    if (month > 12 || day > 31)
      ctx.addIssue({ code: 'custom', message: `"${value}" has month ${month}, day ${day}` });
  }),
  precision: z.number().int().min(0).max(14),
  calendarmodel: z.string(),
  timezone: z.number().int().optional(),
  before: z.number().int().optional(),
  after: z.number().int().optional(),
});

const entityIdValue = z
  .looseObject({
    'entity-type': z.string().optional(),
    'numeric-id': z.number().int().positive().optional(),
    id: z.string().optional(),
  })
  .refine(
    (value) => value.id !== undefined || value['numeric-id'] !== undefined,
    'an entity value needs an id or a numeric-id',
  );

/** datavalue.type → the value's shape. */
const DATAVALUES: Record<string, z.ZodType> = {
  string: text,
  'wikibase-entityid': entityIdValue,
  time: timeValue,
  monolingualtext: z.looseObject({ text, language: z.string() }),
  quantity: z.looseObject({
    amount: z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'expected a decimal amount such as "+12"'),
    unit: z.string(),
  }),
  globecoordinate: z.looseObject({ latitude: z.number(), longitude: z.number() }),
};

/** A property's datatype → the datavalue type it must carry. */
const DATATYPE_VALUE: Record<string, string> = {
  'wikibase-item': 'wikibase-entityid',
  'wikibase-property': 'wikibase-entityid',
  'wikibase-lexeme': 'wikibase-entityid',
  'wikibase-form': 'wikibase-entityid',
  'wikibase-sense': 'wikibase-entityid',
  time: 'time',
  url: 'string',
  string: 'string',
  'external-id': 'string',
  commonsMedia: 'string',
  'geo-shape': 'string',
  'tabular-data': 'string',
  math: 'string',
  'musical-notation': 'string',
  'entity-schema': 'wikibase-entityid',
  monolingualtext: 'monolingualtext',
  quantity: 'quantity',
  'globe-coordinate': 'globecoordinate',
};

const snak = z
  .looseObject({
    snaktype: z.enum(['value', 'somevalue', 'novalue']),
    property: propertyId,
    datatype: z.string().optional(),
    datavalue: z.looseObject({ type: z.string(), value: z.unknown() }).optional(),
  })
  .superRefine((value, ctx) => {
    const datavalue = value.datavalue;
    if (value.snaktype !== 'value') {
      if (datavalue) ctx.addIssue({ code: 'custom', message: `a ${value.snaktype} snak with a datavalue` });
      return;
    }
    if (!datavalue) {
      ctx.addIssue({ code: 'custom', message: 'a value snak without a datavalue' });
      return;
    }
    const expected = value.datatype ? DATATYPE_VALUE[value.datatype] : undefined;
    if (expected && datavalue.type !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['datavalue', 'type'],
        message: `a ${value.datatype} value must be ${expected}, got ${datavalue.type}`,
      });
      return;
    }
    const shape = DATAVALUES[datavalue.type];
    if (!shape) return; // a datavalue type we never compare
    const checked = shape.safeParse(datavalue.value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      ctx.addIssue({
        code: 'custom',
        path: ['datavalue', 'value', ...(issue?.path ?? []).map(String)],
        message: issue?.message ?? 'invalid value',
      });
    }
  });

const claim = z.looseObject({
  mainsnak: snak,
  type: z.literal('statement').optional(),
  id: z.string().min(1),
  rank: z.enum(['preferred', 'normal', 'deprecated']),
  qualifiers: map(propertyId, z.array(snak)).optional(),
});

/** A property's statements: built once, checked for every compared property of every entity. */
export const claimList = z.array(claim);

const term = z.looseObject({
  language: z.string().min(1),
  value: text,
  'for-language': z.string().optional(),
});

const sitelink = z.looseObject({
  site: z.string(),
  title: text,
  badges: z.array(z.string()).optional(),
  url: z.string().optional(),
});

export const entity = z.looseObject({
  // Always "item" in a wbgetentities answer; some stored captures dropped it.
  type: z.literal('item').optional(),
  id: itemId,
  lastrevid: z.number().int().positive().optional(),
  modified: z.string().optional(),
  labels: map(z.string(), term).optional(),
  descriptions: map(z.string(), term).optional(),
  aliases: map(z.string(), z.array(term)).optional(),
  sitelinks: map(z.string(), sitelink).optional(),
  claims: map(propertyId, z.unknown()).optional(),
  redirects: z.looseObject({ from: itemId, to: itemId }).optional(),
});

export const page = z.looseObject({
  title: text,
  ns: z.number().int().optional(),
  pageid: z.number().int().positive().optional(),
  lastrevid: z.number().int().nonnegative().optional(),
  touched: z.string().optional(),
  pageprops: z
    .looseObject({ wikibase_item: itemId.optional(), disambiguation: z.unknown().optional() })
    .optional(),
});
