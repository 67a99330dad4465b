// Accepted proposals written into one JSONL record (SPEC §2). Pure: a line in, the new line out.
//
// Facts take their JSONL forms — a date as the ISO string of its precision, an item as its label (or
// `{id, label}` when the remote value has both), a many-valued field as an array — and the record's
// `label`, `description`, `wikipedia` and, for a redirect, `qid` are set at the top level. Every other
// key, known or not, keeps its value and its place. The new line is read back with the JSONL reader and
// kept only if it gives back exactly the proposed value and every other field as before. A value with a
// control character, a line end or a bidirectional control is refused before (rules.ts).

import type { FieldSpec } from '../../model/fields.js';
import { canonicalJson, type ItemValue, type Proposal } from '../../model/proposal.js';
import { type LocalRecord, recordToJson } from '../../model/record.js';
import { formatTime, type TimeValue } from '../../model/time.js';
import { parseJsonlRecord } from '../read/jsonl-record.js';
import { currentValue, staleReason, statesExactly, statesValue, valuesOf } from './record-state.js';
import {
  type Change,
  type FactItem,
  type Guard,
  onePerTarget,
  planChange,
  type Skip,
  show,
  targetKey,
} from './rules.js';

export interface JsonlApplyResult {
  /** The new line (the same string when nothing changed). */
  readonly line: string;
  readonly applied: string[];
  readonly skipped: Skip[];
}

const STORE = 'JSONL record';

/** Where a new top-level key goes: after the keys that come before it in SPEC §2's order. */
const TOP_ORDER = ['key', 'qid', 'label', 'description', 'wikipedia', 'facts'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object` with `key` set: in place when present, else after its predecessors in `order`, else last. */
function withKey(object: Json, key: string, value: unknown, order: readonly string[] = []): Json {
  if (key in object) return { ...object, [key]: value };
  const rank = order.indexOf(key);
  const entries = Object.entries(object);
  let at = entries.length;
  if (rank >= 0) {
    const later = entries.findIndex(([k]) => order.indexOf(k) > rank);
    if (later >= 0) at = later;
  }
  entries.splice(at, 0, [key, value]);
  return Object.fromEntries(entries);
}

/** An item in its JSONL form: `{id, label}` when both are known, else the label, else the QID. */
function jsonlItem(item: ItemValue): unknown {
  if (item.id && item.label) return { id: item.id, label: item.label };
  return item.label ?? item.id;
}

function jsonlFact(field: FieldSpec, value: FactItem | readonly FactItem[]): unknown {
  const one = (v: FactItem) =>
    field.type === 'time'
      ? formatTime(v as TimeValue)
      : field.type === 'item'
        ? jsonlItem(v as ItemValue)
        : v;
  return Array.isArray(value) ? value.map(one) : one(value as FactItem);
}

/** The record's JSON with the change made; a conflict the record carried on that key is settled by it. */
function edit(json: Json, change: Change): Json {
  let out: Json;
  switch (change.target) {
    case 'qid':
    case 'label':
    case 'description':
      out = withKey(json, change.target, change.value, TOP_ORDER);
      break;
    case 'wikipedia':
      out = withKey(json, 'wikipedia', { lang: change.value.lang, title: change.value.title }, TOP_ORDER);
      break;
    case 'fact': {
      const facts = isObject(json.facts) ? json.facts : {};
      out = withKey(
        json,
        'facts',
        withKey(facts, change.field.name, jsonlFact(change.field, change.value)),
        TOP_ORDER,
      );
      break;
    }
  }
  if (Array.isArray(out.conflicts)) {
    const key = targetKey(change);
    const rest = out.conflicts.filter((c) => !(isObject(c) && c.field === key));
    if (rest.length !== out.conflicts.length) {
      out = { ...out, conflicts: rest };
      if (rest.length === 0) delete out.conflicts;
    }
  }
  return out;
}

/** The first field other than `key` (and the conflicts a change settles) that reads differently in `after`. */
function otherChange(
  before: LocalRecord,
  after: LocalRecord,
  key: string,
  fields: readonly FieldSpec[],
): string | undefined {
  const flat = (record: LocalRecord) => {
    const { facts, conflicts: _, ...top } = recordToJson(record, fields);
    return new Map(
      [...Object.entries(top), ...Object.entries(facts as Json)].map(([k, v]) => [k, canonicalJson(v)]),
    );
  };
  const [was, now] = [flat(before), flat(after)];
  return [...new Set([...was.keys(), ...now.keys()])].find((k) => k !== key && was.get(k) !== now.get(k));
}

/**
 * Writes accepted proposals into one JSONL line. A line that is not a readable record is left as it
 * is and every proposal skipped with the reader's reason. `file` and `lineNumber` only name the line in
 * reasons. `guard` refuses proposals whose record or item moved since they were found (guards.ts).
 */
export function applyToJsonlLine(
  line: string,
  proposals: readonly Proposal[],
  fields: readonly FieldSpec[],
  file = '',
  lineNumber = 0,
  guard?: Guard,
): JsonlApplyResult {
  const applied: string[] = [];
  const initial = parseJsonlRecord(line, file, lineNumber, fields);
  if (!initial.ok) {
    const reason = `the JSONL record does not read: ${initial.error.error}`;
    return { line, applied, skipped: proposals.map((p) => ({ id: p.id, reason })) };
  }
  let json = JSON.parse(line) as Json;
  let record: LocalRecord = initial.record;
  let rewritten = false;
  const { chosen, skipped } = onePerTarget(proposals, fields);
  for (const proposal of chosen) {
    const planned = planChange(proposal, fields, STORE);
    if (!planned.ok) {
      skipped.push({ id: proposal.id, reason: planned.reason });
      continue;
    }
    const change = planned.change;
    const conflicted = record.conflicts.some((c) => c.field === targetKey(change));
    const says = statesValue(record, change);
    if (says && !conflicted) {
      applied.push(proposal.id);
      continue;
    }
    const moved = guard?.(proposal, initial.record);
    if (moved) {
      skipped.push(moved);
      continue;
    }
    const stale = says ? undefined : staleReason(record, change, proposal, STORE);
    if (stale) {
      skipped.push({ id: proposal.id, reason: stale });
      continue;
    }
    const next = edit(json, change);
    const read = parseJsonlRecord(JSON.stringify(next), file, lineNumber, fields);
    const key = targetKey(change);
    if (!read.ok || !statesExactly(valuesOf(read.record, key), change)) {
      const got = read.ok ? show(currentValue(read.record, change)) : read.error.error;
      skipped.push({
        id: proposal.id,
        reason: `the record cannot state ${show(change.value)}: it would read ${got}`,
      });
      continue;
    }
    const changed = otherChange(record, read.record, key, fields);
    if (changed) {
      skipped.push({
        id: proposal.id,
        reason: `writing it would change the record's "${changed}" too; edit the record by hand`,
      });
      continue;
    }
    json = next;
    record = read.record;
    rewritten = true;
    applied.push(proposal.id);
  }
  return { line: rewritten ? JSON.stringify(json) : line, applied, skipped };
}
