// The facts of a card's fenced JSON-LD block (schema.org): `name`, `description`, `url`, `sameAs`
// (Wikidata and Wikipedia links) and `additionalType`, mapped to fields by their `jsonld` config key. Pure.

import type { FieldSpec } from '../../model/fields.js';
import { isItemId, itemIdProblem, wikidataUrlSegment } from '../../model/ids.js';
import type { Statement } from '../../model/statements.js';
import { parseDate } from '../../model/time.js';
import { type ItemRef, normalizeText, type Parsed, parseWebUrl } from '../../model/values.js';
import { parseWikipediaUrl } from '../../model/wikipedia.js';

export interface JsonLdBlock {
  readonly value: Record<string, unknown>;
  /** The line of the block's first line in the card, and its lines, to say where a key was stated. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

export type JsonLdFacts = { ok: true; statements: Statement[] } | { ok: false; reason: string; line: number };

function lineOfKey(block: JsonLdBlock, key: string): number {
  const index = block.lines.findIndex((line) => line.includes(`"${key}"`));
  return block.firstLine + Math.max(index, 0);
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** "TextToVideoModel" → "Text To Video Model"; a schema.org or other URL → its last path segment. */
export function typeLabel(text: string): string {
  const last = /^https?:\/\//i.test(text) ? (text.replace(/\/+$/, '').split('/').at(-1) ?? text) : text;
  return last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_]+/g, ' ');
}

/** A JSON value as an error message shows it: short, and without walking a (possibly deep) structure. */
function shown(raw: unknown): string {
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object' && raw !== null) return 'an object';
  return typeof raw === 'string' ? JSON.stringify(raw.slice(0, 80)) : String(raw);
}

function itemOf(raw: unknown): Parsed<ItemRef> {
  if (typeof raw !== 'string' || raw.trim() === '')
    return { ok: false, reason: `expected a name or URL, got ${shown(raw)}` };
  const id = wikidataUrlSegment(raw);
  if (id === undefined) return { ok: true, value: { label: normalizeText(typeLabel(raw.trim())) } };
  return isItemId(id)
    ? { ok: true, value: { id } }
    : { ok: false, reason: itemIdProblem(id) ?? 'invalid QID' };
}

function jsonLdValue(field: FieldSpec, raw: unknown): Parsed<unknown> {
  if (field.type === 'item') return itemOf(raw);
  if (typeof raw !== 'string') return { ok: false, reason: `expected a string, got ${shown(raw)}` };
  if (field.type === 'time') return parseDate(raw);
  if (field.type === 'url') return parseWebUrl(raw);
  return { ok: true, value: normalizeText(raw) };
}

/** The statements of a JSON-LD block: QIDs and Wikipedia pages from `sameAs`, and each mapped field. */
export function jsonLdStatements(block: JsonLdBlock, fields: readonly FieldSpec[]): JsonLdFacts {
  const statements: Statement[] = [];
  const json = block.value;
  for (const raw of asList(json.sameAs)) {
    if (typeof raw !== 'string') continue;
    const line = lineOfKey(block, 'sameAs');
    const qid = wikidataUrlSegment(raw);
    if (qid !== undefined) {
      const problem = itemIdProblem(qid);
      if (problem) return { ok: false, reason: `JSON-LD sameAs: ${problem}`, line };
      statements.push({ field: 'qid', value: qid, where: 'JSON-LD sameAs', line, group: 'jsonld' });
    } else if (/wikipedia\.org\//i.test(raw)) {
      const page = parseWikipediaUrl(raw);
      if (!page.ok) return { ok: false, reason: `JSON-LD sameAs: ${page.reason}`, line };
      statements.push({
        field: 'wikipedia',
        value: page.value,
        where: 'JSON-LD sameAs',
        line,
        group: 'jsonld',
      });
    }
  }
  for (const field of fields) {
    if (!field.jsonld || field.type === 'page' || json[field.jsonld] === undefined) continue;
    const line = lineOfKey(block, field.jsonld);
    const where = `JSON-LD ${field.jsonld}`;
    const name = field.source === 'statement' ? field.name : field.source;
    for (const raw of asList(json[field.jsonld])) {
      const value = jsonLdValue(field, raw);
      if (!value.ok) return { ok: false, reason: `${where}: ${value.reason}`, line };
      statements.push({ field: name, value: value.value, where, line, group: 'jsonld' });
      if (!field.many) break;
    }
  }
  return { ok: true, statements };
}
