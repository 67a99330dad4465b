// A local record: one entity of the knowledge base as the local store states it (SPEC §2), and the
// JSONL form `factsync entities --json` prints. Local conflicts are kept, never silently resolved away.

import { type FactValue, type FieldSpec, formatFactValue } from './fields.js';
import type { ItemId } from './ids.js';
import { findUnstorable, unstorableName } from './storable.js';
import { type Parsed, parseWebUrl } from './values.js';

export interface WikipediaLink {
  /** The wiki's language code, from the host: `en` for en.wikipedia.org. */
  readonly lang: string;
  /** The page title, percent-decoded, `_` as space. */
  readonly title: string;
}

/** Where a statement was read: the part of the card and its line (1-based). */
export interface Origin {
  readonly where: string;
  readonly line?: number;
}

/** One fact stated two or more ways with different values; `values` holds each with where it was stated. */
export interface LocalConflict {
  readonly field: string;
  readonly values: ReadonlyArray<{ readonly value: unknown } & Origin>;
}

export interface LocalRecord {
  readonly key: string;
  readonly qid: ItemId;
  readonly label?: string;
  readonly description?: string;
  readonly wikipedia?: WikipediaLink;
  /**
   * The published source the record states its facts from (a card's `**Source**:` line, a JSONL
   * record's `"source"`), an http(s) URL: what an export to Wikidata cites as the reference URL.
   */
  readonly source?: string;
  readonly facts: Readonly<Record<string, FactValue>>;
  readonly conflicts: readonly LocalConflict[];
  /** The file (and for JSONL the line) the record was read from. */
  readonly file: string;
  readonly line?: number;
  /** For JSONL: the record's byte span in the file, so a batch can be read again by range. */
  readonly span?: { readonly start: number; readonly end: number };
  /** For cards: where each field (and `qid`, `label`, `description`, `wikipedia`) was stated. */
  readonly origins?: Readonly<Record<string, readonly Origin[]>>;
}

/** A record that could not be read: reported with file, line and reason, then skipped. */
export interface ReadError {
  readonly file: string;
  readonly line?: number;
  readonly error: string;
}

/** A non-fatal remark on a record that was read (an unknown field, an unclosed JSON-LD block). */
export interface ReadWarning {
  readonly file: string;
  readonly line?: number;
  readonly warning: string;
}

export type ReadResult =
  | { readonly ok: true; readonly record: LocalRecord; readonly warnings: readonly ReadWarning[] }
  | { readonly ok: false; readonly error: ReadError };

/**
 * The JSONL form of SPEC §2: key, qid, label, description, wikipedia, source, facts, and conflicts when
 * any.
 */
export function recordToJson(record: LocalRecord, fields: readonly FieldSpec[]): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const field of fields) {
    const value = record.facts[field.name];
    if (value !== undefined) facts[field.name] = formatFactValue(field, value);
  }
  const json: Record<string, unknown> = { key: record.key, qid: record.qid };
  if (record.label !== undefined) json.label = record.label;
  if (record.description !== undefined) json.description = record.description;
  if (record.wikipedia) json.wikipedia = { lang: record.wikipedia.lang, title: record.wikipedia.title };
  if (record.source !== undefined) json.source = record.source;
  json.facts = facts;
  if (record.conflicts.length > 0) json.conflicts = record.conflicts;
  return json;
}

export function readErrorToJson(error: ReadError): Record<string, unknown> {
  return error.line === undefined
    ? { error: error.error, file: error.file }
    : { error: error.error, file: error.file, line: error.line };
}

const KEY_PROBLEM = /[/\\\p{Cc}]/u;

/** Why `key` cannot be a record key (empty, too long, a path separator or control character). */
export function recordKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.trim() === '') return 'missing "key": expected a non-empty string';
  if (key.length > 200) return `"key" is ${key.length} characters long; at most 200`;
  if (KEY_PROBLEM.test(key))
    return `"key" ${JSON.stringify(key.slice(0, 40))} contains "/", "\\" or a control character`;
  return undefined;
}

/**
 * Where in `value` (a JSON value, or a record's typed value) there is text the store cannot hold, and
 * what: `{ path: 'facts.developer[1].label', problem: 'contains U+0000 (NUL)' }`.
 */
export function unstorableText(
  value: unknown,
  path: string,
): { readonly path: string; readonly problem: string } | undefined {
  const found = findUnstorable(value, path);
  if (!found) return undefined;
  const what = found.char === '\0' ? 'U+0000 (NUL)' : unstorableName(found.char);
  return { path: found.path, problem: found.inKey ? `a key contains ${what}` : `contains ${what}` };
}

/**
 * A record's source as stated (`https://…`, or a Markdown link `[text](https://…)`): the URL, or why
 * it cannot be cited. Only http(s): Wikidata's "reference URL" (P854) is a web address.
 */
export function parseRecordSource(text: string): Parsed<string> {
  const link = /^\[[^\]]*\]\(([^()\s]+)\)$/.exec(text.trim());
  const url = parseWebUrl(link ? (link[1] ?? '') : text);
  return url.ok ? url : { ok: false, reason: `source ${url.reason}` };
}
