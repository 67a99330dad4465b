// One JSONL line (SPEC §2) → a local record. Pure. Every key the program uses is checked for the type
// it assumes, `conflicts` included, so a malformed line is one refused record, never a crash further on.
// Unknown facts are kept out of the record and reported as warnings, so a misspelt field name is seen
// rather than silently never compared.

import { type FactValue, type FieldSpec, parseFactValue, statementFields } from '../../model/fields.js';
import { type ItemId, itemIdProblem } from '../../model/ids.js';
import {
  type LocalConflict,
  parseRecordSource,
  type ReadResult,
  type ReadWarning,
  recordKeyProblem,
  unstorableText,
} from '../../model/record.js';
import { describe, normalizeText, type Parsed } from '../../model/values.js';
import { isWikiLanguage, wikipediaTitleProblem } from '../../model/wikipedia.js';

const TOP_LEVEL = new Set([
  'key',
  'qid',
  'label',
  'description',
  'wikipedia',
  'source',
  'facts',
  'conflicts',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(json: Record<string, unknown>, name: string): string | undefined | Error {
  const value = json[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return new Error(`"${name}": expected text, got ${describe(value)}`);
  return normalizeText(value) || undefined;
}

/**
 * `"source"`: the URL the record's facts come from. Only exports cite it, so one that is not a web URL
 * is a warning and the record is read without it, rather than skipped with all its facts.
 */
function optionalSource(
  raw: unknown,
  file: string,
  line: number,
  warnings: ReadWarning[],
): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const source =
    typeof raw === 'string'
      ? parseRecordSource(raw)
      : { ok: false as const, reason: `expected a URL string, got ${describe(raw)}` };
  if (source.ok) return source.value;
  warnings.push({ file, line, warning: `"source": ${source.reason}; the record has no source` });
  return undefined;
}

const byName = new WeakMap<readonly FieldSpec[], Map<string, FieldSpec>>();

/** The statement fields by name, built once per field list (this runs once a line). */
function fieldsByName(fields: readonly FieldSpec[]): Map<string, FieldSpec> {
  let map = byName.get(fields);
  if (!map) {
    map = new Map(statementFields(fields).map((field) => [field.name, field]));
    byName.set(fields, map);
  }
  return map;
}

/** The names a conflict may be about: every configured field, and the record's own keys. */
const conflictFields = new WeakMap<readonly FieldSpec[], Set<string>>();

function conflictFieldNames(fields: readonly FieldSpec[]): Set<string> {
  let names = conflictFields.get(fields);
  if (!names) {
    names = new Set(['qid', 'label', 'description', 'wikipedia', ...fields.map((field) => field.name)]);
    conflictFields.set(fields, names);
  }
  return names;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** Why a conflict's value is not one the readers write: a text, an object of texts, or a list of those. */
function conflictValueProblem(value: unknown, at: string): string | undefined {
  if (value === undefined) return `"${at}": missing`;
  if (isText(value)) return undefined;
  const flat = (item: unknown, where: string): string | undefined => {
    if (isText(item)) return undefined;
    if (!isObject(item)) return `"${where}": expected text or an object of texts, got ${describe(item)}`;
    for (const [name, member] of Object.entries(item))
      if (!isText(member)) return `"${where}.${name}": expected text, got ${describe(member)}`;
    return undefined;
  };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = flat(item, `${at}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isObject(value)) return flat(value, at);
  return `"${at}": expected text, an object of texts, or a list of those, got ${describe(value)}`;
}

/** A line's `conflicts`, checked whole: each {field, values: 2 or more {value, where, line?}}. */
function parseConflicts(raw: unknown, fields: readonly FieldSpec[]): Parsed<LocalConflict[]> {
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return { ok: false, reason: `"conflicts": expected a list, got ${describe(raw)}` };
  const names = conflictFieldNames(fields);
  const conflicts: LocalConflict[] = [];
  for (const [index, entry] of raw.entries()) {
    const at = `conflicts[${index}]`;
    if (!isObject(entry)) {
      const expected = 'expected an object such as {"field":…,"values":[…]}';
      return { ok: false, reason: `"${at}": ${expected}, got ${describe(entry)}` };
    }
    const { field, values } = entry;
    if (!isText(field))
      return { ok: false, reason: `"${at}.field": expected a field name, got ${describe(field)}` };
    if (!names.has(field)) {
      const reason = `"${at}.field": ${JSON.stringify(field.slice(0, 60))} is not a configured field (nor qid, label, description or wikipedia)`;
      return { ok: false, reason };
    }
    if (!Array.isArray(values) || values.length < 2) {
      const got = Array.isArray(values) ? `a list of ${values.length}` : describe(values);
      return {
        ok: false,
        reason: `"${at}.values": expected a list of 2 or more {"value","where","line"}, got ${got}`,
      };
    }
    const stated: Array<LocalConflict['values'][number]> = [];
    for (const [position, item] of values.entries()) {
      const where = `${at}.values[${position}]`;
      if (!isObject(item)) {
        const expected = 'expected an object such as {"value":…,"where":"…"}';
        return { ok: false, reason: `"${where}": ${expected}, got ${describe(item)}` };
      }
      const problem = conflictValueProblem(item.value, `${where}.value`);
      if (problem) return { ok: false, reason: problem };
      if (!isText(item.where))
        return { ok: false, reason: `"${where}.where": expected text, got ${describe(item.where)}` };
      const line = item.line;
      if (line !== undefined && !(Number.isInteger(line) && (line as number) >= 1)) {
        const reason = `"${where}.line": expected a line number (1 or more), got ${describe(line)}`;
        return { ok: false, reason };
      }
      stated.push({
        value: item.value,
        where: item.where,
        ...(line === undefined ? {} : { line: line as number }),
      });
    }
    conflicts.push({ field, values: stated });
  }
  return { ok: true, value: conflicts };
}

/** The keys whose text ends up in the record, and so in the store. */
const STORED = ['key', 'label', 'description', 'wikipedia', 'source', 'facts', 'conflicts'] as const;

function fail(file: string, line: number, error: string): ReadResult {
  return { ok: false, error: { file, line, error } };
}

export function parseJsonlRecord(
  text: string,
  file: string,
  line: number,
  fields: readonly FieldSpec[],
): ReadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(file, line, `invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) return fail(file, line, `expected a JSON object, got ${describe(json)}`);
  const keyProblem = recordKeyProblem(json.key);
  if (keyProblem) return fail(file, line, keyProblem);
  if (json.qid === undefined || json.qid === null || json.qid === '')
    return fail(file, line, 'missing "qid"');
  const qidProblem = itemIdProblem(json.qid);
  if (qidProblem) return fail(file, line, `"qid": ${qidProblem}`);

  const warnings: ReadWarning[] = [];
  for (const name of Object.keys(json)) {
    if (!TOP_LEVEL.has(name)) warnings.push({ file, line, warning: `unknown key "${name}" ignored` });
  }
  const label = optionalText(json, 'label');
  if (label instanceof Error) return fail(file, line, label.message);
  const description = optionalText(json, 'description');
  if (description instanceof Error) return fail(file, line, description.message);

  const source = optionalSource(json.source, file, line, warnings);

  let wikipedia: { lang: string; title: string } | undefined;
  if (json.wikipedia !== undefined && json.wikipedia !== null) {
    if (!isObject(json.wikipedia)) {
      return fail(
        file,
        line,
        `"wikipedia": expected an object such as {"lang":"en","title":"…"}, got ${describe(json.wikipedia)}`,
      );
    }
    const { lang, title } = json.wikipedia as {
      lang?: unknown;
      title?: unknown;
    };
    if (typeof lang !== 'string' || !isWikiLanguage(lang)) {
      return fail(
        file,
        line,
        `"wikipedia.lang": expected a language code such as "en", got ${describe(lang)}`,
      );
    }
    if (typeof title !== 'string')
      return fail(file, line, `"wikipedia.title": expected text, got ${describe(title)}`);
    const problem = wikipediaTitleProblem(title.replace(/_/g, ' ').trim());
    if (problem) return fail(file, line, `"wikipedia.title": ${problem}`);
    wikipedia = { lang, title: title.replace(/_/g, ' ').trim() };
  }

  const facts: Record<string, FactValue> = {};
  if (json.facts !== undefined && !isObject(json.facts)) {
    return fail(file, line, `"facts": expected an object, got ${describe(json.facts)}`);
  }
  const known = fieldsByName(fields);
  for (const [name, raw] of Object.entries(json.facts ?? {})) {
    const field = known.get(name);
    if (!field) {
      warnings.push({
        file,
        line,
        warning: `unknown field "facts.${name}" ignored (not in the config's fields)`,
      });
      continue;
    }
    if (raw === null) continue;
    const parsed = parseFactValue(field, raw);
    if (!parsed.ok) return fail(file, line, `"facts.${name}": ${parsed.reason}`);
    facts[name] = parsed.value;
  }

  const conflicts = parseConflicts(json.conflicts, fields);
  if (!conflicts.ok) return fail(file, line, conflicts.reason);

  // The line is valid UTF-8 without NUL bytes, so such text can only come from a \u escape.
  if (text.includes('\\u')) {
    for (const name of STORED) {
      const found = unstorableText(json[name], name);
      if (found) return fail(file, line, `"${found.path}": ${found.problem}, which the store cannot hold`);
    }
  }
  return {
    ok: true,
    warnings,
    record: {
      key: json.key as string,
      qid: json.qid as ItemId,
      ...(label === undefined ? {} : { label }),
      ...(description === undefined ? {} : { description }),
      ...(wikipedia === undefined ? {} : { wikipedia }),
      ...(source === undefined ? {} : { source }),
      facts,
      conflicts: conflicts.value,
      file,
      line,
    },
  };
}
