// A rewritten card read back place by place, before apply keeps it (SPEC §2). Pure.
//
// Reading the whole card is not enough: it resolves each field to its first statement and compares the
// others loosely (a trailing "/", a case difference, a description that begins with the other), and a
// statement the reader no longer sees at all (a bullet broken by a line separator) simply drops out. So
// each place that states a field is also read alone — the title, the description line, a header link, a
// Key Facts bullet or Summary sentence in a one-line card of its own, a JSON-LD key with the reader's
// own JSON-LD function — and the change is kept only if every place stating the changed field states
// exactly the value written, no place that stated it before is lost, and every other field is stated
// in the same places with the same values as before.

import type { FieldSpec, SingleFact } from '../../model/fields.js';
import { canonicalJson } from '../../model/proposal.js';
import { type LocalRecord, recordToJson } from '../../model/record.js';
import { formatTime, isTimeValue } from '../../model/time.js';
import { jsonLdStatements } from '../read/card-jsonld.js';
import { parseCard } from '../read/card-parser.js';
import { findJsonBlock } from './card-jsonld.js';
import { currentValue, statesExactly, statesValue, valuesOf } from './record-state.js';
import { type Change, show, targetKey } from './rules.js';

/** What one place of a card states about one field, read on its own. */
export interface PlaceReading {
  readonly key: string;
  readonly where: string;
  readonly line: number;
  readonly values: readonly unknown[];
  /** The place states the field two different ways. */
  readonly conflicted: boolean;
}

const PROBE_QID = '**Wikidata**: Q1';

/** A card holding only `line`, in the part of a card where the reader found the statement. */
function probeCard(line: string, where: string): string | undefined {
  switch (where) {
    case 'title':
      return `${line}\n${PROBE_QID}`;
    case 'description line':
      return `# probe\n${line}\n${PROBE_QID}`;
    case 'header Wikidata link':
    case 'header Wikidata link text':
      return `# probe\n${line}`;
    case 'header Wikipedia link':
      return `# probe\n${PROBE_QID}\n${line}`;
    case 'Key Facts':
      return `# probe\n${PROBE_QID}\n\n## Key Facts\n${line}`;
    case 'Summary':
      return `# probe\n${PROBE_QID}\n\n## Summary\n${line}`;
    default:
      return undefined;
  }
}

/** Every place of the card `text` (read as `record`) that states a field, with what it states there. */
export function readPlaces(text: string, record: LocalRecord, fields: readonly FieldSpec[]): PlaceReading[] {
  const lines = text.split(/\r?\n/);
  const readings: PlaceReading[] = [];
  const probes = new Map<string, LocalRecord | undefined>();
  for (const [key, origins] of Object.entries(record.origins ?? {})) {
    const seen = new Set<string>();
    for (const { where, line } of origins) {
      if (line === undefined || seen.has(`${where}@${line}`)) continue;
      seen.add(`${where}@${line}`);
      if (where.startsWith('JSON-LD ')) {
        const block = findJsonBlock(lines, line - 1);
        const found = block
          ? jsonLdStatements(
              {
                value: block.value,
                firstLine: block.bodyStart + 1,
                lines: lines.slice(block.bodyStart, block.bodyEnd),
              },
              fields,
            )
          : undefined;
        const values =
          found?.ok === true
            ? found.statements.filter((s) => s.field === key && s.where === where).map((s) => s.value)
            : [];
        readings.push({ key, where, line, values, conflicted: false });
        continue;
      }
      const id = `${where}@${line}`;
      if (!probes.has(id)) {
        const probe = probeCard(lines[line - 1] ?? '', where);
        const read = probe === undefined ? undefined : parseCard(probe, record.key, record.file, fields);
        probes.set(id, read?.ok ? read.record : undefined);
      }
      const alone = probes.get(id);
      readings.push({
        key,
        where,
        line,
        values: alone ? valuesOf(alone, key) : [],
        conflicted: alone?.conflicts.some((c) => c.field === key) ?? false,
      });
    }
  }
  return readings;
}

/** Whether a place states exactly the change's value (for a list: the same items, each once). */
function placeStates(reading: PlaceReading, change: Change): boolean {
  return !reading.conflicted && statesExactly(reading.values, change, reading.where);
}

const at = (r: PlaceReading) => `${r.where}, line ${r.line}`;

/** How many times each item occurs. */
function counts(items: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

/**
 * Why the rewritten card does not say what the change wrote in every place, or says something else
 * about another field; undefined when it reads back as it should. `before` and `after` are the card's
 * places before and after the change.
 */
export function placesProblem(
  before: readonly PlaceReading[],
  after: readonly PlaceReading[],
  change: Change,
): string | undefined {
  const key = targetKey(change);
  const mine = after.filter((r) => r.key === key);
  const wrong = mine.find((r) => !placeStates(r, change));
  if (wrong)
    return `the card would not state ${show(change.value)} in ${at(wrong)}: it would read ${
      wrong.conflicted
        ? 'two different values there'
        : show(wrong.values.map((v) => (isTimeValue(v) ? formatTime(v) : v)))
    }`;
  const had = counts(before.filter((r) => r.key === key).map((r) => r.where));
  const has = counts(mine.map((r) => r.where));
  for (const [where, n] of had)
    if ((has.get(where) ?? 0) < n)
      return `the card would no longer state "${key}" in ${where} once rewritten: edit the card by hand`;
  const others = (readings: readonly PlaceReading[]) =>
    counts(
      readings
        .filter((r) => r.key !== key)
        .map(
          (r) =>
            `${r.key}\u0000${r.where}\u0000${r.conflicted}\u0000${canonicalJson(r.values as SingleFact[])}`,
        ),
    );
  const [was, now] = [others(before), others(after)];
  for (const entry of new Set([...was.keys(), ...now.keys()]))
    if (was.get(entry) !== now.get(entry)) {
      const [field, where] = entry.split('\u0000');
      return `rewriting it would change what the card states about "${field}" in ${where}: edit the card by hand`;
    }
  return undefined;
}

/** What a record says, key by key: the QID, label, description, Wikipedia page and each fact. */
function statedValues(record: LocalRecord, fields: readonly FieldSpec[]): Map<string, string> {
  const json = recordToJson(record, fields);
  const values = new Map<string, string>();
  for (const key of ['qid', 'label', 'description', 'wikipedia']) values.set(key, canonicalJson(json[key]));
  for (const [name, value] of Object.entries(json.facts as Record<string, unknown>))
    values.set(name, canonicalJson(value));
  return values;
}

export type Verified = { ok: true; record: LocalRecord } | { ok: false; reason: string };

/**
 * Reads the rewritten card `text` back and checks it says what the change wants, in every place, and
 * nothing else new. `before` is the card the change was made to, as text and as read.
 */
export function verifyCard(
  before: { readonly text: string; readonly record: LocalRecord },
  text: string,
  change: Change,
  fields: readonly FieldSpec[],
): Verified {
  const read = parseCard(text, before.record.key, before.record.file, fields);
  if (!read.ok) {
    const line = read.error.line === undefined ? '' : ` (line ${read.error.line})`;
    return { ok: false, reason: `the rewritten card would not read: ${read.error.error}${line}` };
  }
  const after = read.record;
  const key = targetKey(change);
  if (!statesValue(after, change))
    return {
      ok: false,
      reason: `the card cannot state ${show(change.value)} so that it reads back: it would read ${show(
        currentValue(after, change),
      )}`,
    };
  const still = after.conflicts.find((c) => c.field === key);
  if (still) {
    const places = still.values.map((v) => `${v.where}${v.line === undefined ? '' : ` line ${v.line}`}`);
    return { ok: false, reason: `the card would still state "${key}" two ways (${places.join(' vs ')})` };
  }
  const had = new Set(before.record.conflicts.map((c) => c.field));
  const created = after.conflicts.find((c) => !had.has(c.field));
  if (created)
    return { ok: false, reason: `rewriting it would create a local conflict on "${created.field}"` };
  const [was, now] = [statedValues(before.record, fields), statedValues(after, fields)];
  for (const name of new Set([...was.keys(), ...now.keys()])) {
    if (name !== key && was.get(name) !== now.get(name))
      return {
        ok: false,
        reason: `the card states "${key}" in the same words as "${name}", so rewriting it would change both; edit the card by hand`,
      };
  }
  const problem = placesProblem(
    readPlaces(before.text, before.record, fields),
    readPlaces(text, after, fields),
    change,
  );
  return problem ? { ok: false, reason: problem } : { ok: true, record: after };
}
