// Writing a value into a card's fenced JSON-LD block: the block is parsed, the key changed, and the
// block written back inside the same fence, two spaces an indent, lists of plain values on one line (the
// layout of the example cards, so an unchanged block re-serialises to itself). Pure.

import { wikidataUrlSegment } from '../../model/ids.js';
import type { ItemValue } from '../../model/proposal.js';
import type { WikipediaLink } from '../../model/record.js';
import { looseKey } from '../../model/statements.js';
import { formatTime, type TimeValue } from '../../model/time.js';
import { parseWikipediaUrl } from '../../model/wikipedia.js';
import { typeLabel } from '../read/card-jsonld.js';
import { jsonLdString } from './card-encode.js';
import type { Change, FactItem } from './rules.js';
import { wikipediaUrl, withWikidataId } from './wikipedia-url.js';

const FENCE = /^\s*```\s*([\w+-]*)\s*$/;
const JSON_LANGS = new Set(['json', 'jsonld', 'ld+json', 'json-ld']);

/** A JSON-LD block: its body lines are `lines[bodyStart, bodyEnd)`. */
export interface JsonBlock {
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly value: Record<string, unknown>;
  /** The indentation of the block's first line, kept for every line written back. */
  readonly indent: string;
}

function parseObject(lines: readonly string[]): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(lines.join('\n'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON-LD block around line index `at` (a line of its body), as the card reader delimits it. */
export function findJsonBlock(lines: readonly string[], at: number): JsonBlock | undefined {
  let open = at;
  while (open >= 0 && !FENCE.test(lines[open] ?? '')) open--;
  const lang = FENCE.exec(lines[open] ?? '')?.[1]?.toLowerCase();
  if (open < 0 || lang === undefined || !JSON_LANGS.has(lang)) return undefined;
  const bodyStart = open + 1;
  let bodyEnd = lines.findIndex((line, i) => i > open && FENCE.test(line));
  if (bodyEnd < 0) {
    // Unclosed, as the reader tolerates: the body ends at the first "}" line that completes the JSON.
    bodyEnd = lines.findIndex(
      (line, i) =>
        i > open && line.trim() === '}' && parseObject(lines.slice(bodyStart, i + 1)) !== undefined,
    );
    if (bodyEnd < 0) return undefined;
    bodyEnd++;
  }
  const body = lines.slice(bodyStart, bodyEnd);
  const value = parseObject(body);
  if (!value) return undefined;
  const indent = /^\s*/.exec(body.find((line) => line.trim() !== '') ?? '')?.[0] ?? '';
  return { bodyStart, bodyEnd, value, indent };
}

/** A plain JSON value; strings with `<`, `>` and the line separators escaped (see jsonLdString). */
const scalar = (value: unknown) => (typeof value === 'string' ? jsonLdString(value) : JSON.stringify(value));

/** JSON in the cards' layout: objects one key a line, two spaces an indent; lists of plain values inline. */
export function formatJsonLd(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map(scalar).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${formatJsonLd(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${inner}${scalar(k)}: ${formatJsonLd(v, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  return scalar(value);
}

/** The block's new body lines. */
export function blockLines(block: JsonBlock, value: Record<string, unknown>): string[] {
  return formatJsonLd(value)
    .split('\n')
    .map((line) => `${block.indent}${line}`);
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** "TextToVideoModel" → "Text To Video Model"; a URL → its last path segment (as the reader). */

/** "text-to-video model" → "TextToVideoModel", the schema.org way of naming a type. */
export function camelCase(label: string): string {
  return label
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function namesItem(raw: unknown, item: ItemValue): boolean {
  if (typeof raw !== 'string') return false;
  const id = wikidataUrlSegment(raw);
  if (id !== undefined) return id === item.id;
  return item.label !== undefined && looseKey(typeLabel(raw)) === looseKey(item.label);
}

/** Item values for a JSON-LD key: entries that already name an item are kept as written, new ones added. */
function itemEntries(existing: unknown[], items: readonly ItemValue[], camel: boolean): string[] {
  const kept = existing.filter(
    (raw): raw is string => typeof raw === 'string' && items.some((item) => namesItem(raw, item)),
  );
  const added = items
    .filter((item) => !kept.some((raw) => namesItem(raw, item)))
    .map((item) =>
      item.label ? (camel ? camelCase(item.label) : item.label) : `https://www.wikidata.org/wiki/${item.id}`,
    );
  return [...kept, ...added];
}

function factEntries(change: Extract<Change, { target: 'fact' }>, existing: unknown): unknown {
  const { field } = change;
  const values = (Array.isArray(change.value) ? change.value : [change.value]) as FactItem[];
  let entries: unknown[];
  if (field.type === 'item') {
    const list = asList(existing);
    const camel =
      field.jsonld === 'additionalType' ||
      (list.length > 0 && list.every((raw) => typeof raw === 'string' && /^\p{Lu}[\p{L}\p{N}]*$/u.test(raw)));
    entries = itemEntries(list, values as ItemValue[], camel);
  } else if (field.type === 'time') entries = values.map((v) => formatTime(v as TimeValue));
  else entries = values;
  return entries.length === 1 && !Array.isArray(existing) ? entries[0] : entries;
}

/** `sameAs` with its Wikidata link (for a QID) or its Wikipedia link (for a page) pointing at the new value. */
function sameAsEntries(existing: unknown, change: Change, current?: WikipediaLink): unknown {
  const rewrite = (raw: unknown): unknown => {
    if (typeof raw !== 'string') return raw;
    if (change.target === 'qid')
      return wikidataUrlSegment(raw) === undefined ? raw : withWikidataId(raw, change.value);
    if (change.target !== 'wikipedia' || !/wikipedia\.org\//i.test(raw)) return raw;
    const page = parseWikipediaUrl(raw);
    if (!page.ok) return raw;
    const same = page.value.lang === change.value.lang || page.value.lang === current?.lang;
    return same ? wikipediaUrl(change.value, raw) : raw;
  };
  return Array.isArray(existing) ? existing.map(rewrite) : rewrite(existing);
}

/**
 * The block's object with `key` set for the change: `sameAs` for a QID or Wikipedia page, the field's
 * `jsonld` key otherwise. Other keys, and their order, are kept.
 */
export function editJsonLd(
  json: Record<string, unknown>,
  key: string,
  change: Change,
  current?: WikipediaLink,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...json };
  if (key === 'sameAs' && (change.target === 'qid' || change.target === 'wikipedia'))
    out.sameAs = sameAsEntries(json.sameAs, change, current);
  else if (change.target === 'label' || change.target === 'description') out[key] = change.value;
  else if (change.target === 'fact') out[key] = factEntries(change, json[key]);
  return out;
}
