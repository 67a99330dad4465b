// The compared fields (SPEC §3), as read from config: a new field is a config entry, not code.
// This module turns a raw value from the local store into the typed value of its field, and back.

import type { PropertyId } from './ids.js';
import { formatTime, parseDate, type TimeValue } from './time.js';
import {
  describe,
  formatItemRef,
  type ItemRef,
  normalizeText,
  type Parsed,
  parseItemRef,
  parseWebUrl,
} from './values.js';

export type FieldType = 'text' | 'item' | 'time' | 'url' | 'page';
export type FieldSource = 'statement' | 'label' | 'description' | 'sitelink';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly source: FieldSource;
  /** The Wikidata property of a statement field. */
  readonly property?: PropertyId;
  readonly many: boolean;
  /**
   * The field states the present (a website, a developer, an owner): a statement whose end time (P582)
   * has passed is history, and one whose start time (P580) is still to come is not a value yet. False
   * for facts of the past (inception, announcement, publication), whose statements never end.
   */
  readonly current: boolean;
  /** How a card's Key Facts and Summary state it, lower-case: "developed by". */
  readonly phrases: readonly string[];
  /** The card's JSON-LD key that states it. */
  readonly jsonld?: string;
}

/** A statement field's local value: one value, or a list when the field is `many`. */
export type FactValue = SingleFact | readonly SingleFact[];
export type SingleFact = string | TimeValue | ItemRef;

/** The fields whose values live in `facts` (the rest are the record's label, description, wikipedia). */
export function statementFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((field) => field.source === 'statement');
}

function parseSingle(field: FieldSpec, raw: unknown): Parsed<SingleFact> {
  switch (field.type) {
    case 'time':
      if (typeof raw !== 'string')
        return { ok: false, reason: `expected a date string, got ${describe(raw)}` };
      return parseDate(raw);
    case 'item':
      return parseItemRef(raw);
    case 'url':
      if (typeof raw !== 'string')
        return { ok: false, reason: `expected a URL string, got ${describe(raw)}` };
      return parseWebUrl(raw);
    case 'text':
      if (typeof raw !== 'string') return { ok: false, reason: `expected text, got ${describe(raw)}` };
      return { ok: true, value: normalizeText(raw) };
    case 'page':
      return { ok: false, reason: 'a page field is the record\'s "wikipedia", not a fact' };
  }
}

/** A raw JSON value (from a JSONL line) as the typed value of `field`. */
export function parseFactValue(field: FieldSpec, raw: unknown): Parsed<FactValue> {
  if (field.many) {
    const list = Array.isArray(raw) ? raw : [raw];
    const values: SingleFact[] = [];
    for (const [index, item] of list.entries()) {
      const parsed = parseSingle(field, item);
      if (!parsed.ok)
        return { ok: false, reason: Array.isArray(raw) ? `[${index}]: ${parsed.reason}` : parsed.reason };
      values.push(parsed.value);
    }
    return { ok: true, value: values };
  }
  if (Array.isArray(raw)) {
    if (raw.length !== 1) return { ok: false, reason: `expected one value, got a list of ${raw.length}` };
    return parseSingle(field, raw[0]);
  }
  return parseSingle(field, raw);
}

function formatSingle(field: FieldSpec, value: SingleFact): unknown {
  if (field.type === 'time') return formatTime(value as TimeValue);
  if (field.type === 'item') return formatItemRef(value as ItemRef);
  return value;
}

/** The JSONL form of a typed value (SPEC §2): dates as ISO strings of their precision, items as labels/QIDs. */
export function formatFactValue(field: FieldSpec, value: FactValue): unknown {
  if (Array.isArray(value)) return value.map((item) => formatSingle(field, item));
  return formatSingle(field, value as SingleFact);
}
