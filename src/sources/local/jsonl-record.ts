// One JSONL line (SPEC §2) → a local record. Pure. Unknown facts are kept out of the record and
// reported as warnings, so a misspelt field name is seen rather than silently never compared.

import { type FactValue, type FieldSpec, parseFactValue, statementFields } from '../../model/fields.js';
import { type ItemId, itemIdProblem } from '../../model/ids.js';
import {
  type LocalConflict,
  type ReadResult,
  type ReadWarning,
  recordKeyProblem,
} from '../../model/record.js';
import { describe, normalizeText } from '../../model/values.js';
import { isWikiLanguage, wikipediaTitleProblem } from '../../model/wikipedia.js';

const TOP_LEVEL = new Set(['key', 'qid', 'label', 'description', 'wikipedia', 'facts', 'conflicts']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(json: Record<string, unknown>, name: string): string | undefined | Error {
  const value = json[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return new Error(`"${name}": expected text, got ${describe(value)}`);
  return normalizeText(value) || undefined;
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

  const conflicts = Array.isArray(json.conflicts)
    ? (json.conflicts.filter(isObject) as unknown as LocalConflict[])
    : [];
  return {
    ok: true,
    warnings,
    record: {
      key: json.key as string,
      qid: json.qid as ItemId,
      ...(label === undefined ? {} : { label }),
      ...(description === undefined ? {} : { description }),
      ...(wikipedia === undefined ? {} : { wikipedia }),
      facts,
      conflicts,
      file,
      line,
    },
  };
}
