// Text the proposal store cannot hold: U+0000 (PostgreSQL's text and jsonb refuse it; SQLite would
// take it, so both stores refuse it alike) and lone UTF-16 surrogates (no UTF-8 form: a driver would
// store U+FFFD instead, or jsonb would refuse the escape). A finding or a note holding one is refused
// before anything is written, with a message naming where; a run record, which only reports, is
// stored with U+FFFD in their place rather than lost.

import type { Finding } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import { StoreError } from './store-rows.js';

/** U+0000, or a surrogate that is not half of a pair (in `u` mode a pair reads as one code point). */
const UNSTORABLE = /[\0\p{Cs}]/u;
const UNSTORABLE_ALL = /[\0\p{Cs}]/gu;
/** Any surrogate or U+0000: a quicker first look, paired surrogates (emoji) included. */
const SUSPECT = /[\0\ud800-\udfff]/;

export function isStorable(text: string): boolean {
  return !SUSPECT.test(text) || !UNSTORABLE.test(text);
}

/** What is wrong with a text, for messages: never the character itself. */
function problem(text: string): string {
  const found = UNSTORABLE.exec(text)?.[0] ?? '';
  if (found === '\0') return 'U+0000';
  const code = found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `a lone UTF-16 surrogate (U+${code})`;
}

/** Whether every key and string in `value` can be stored: the fast check on every finding. */
function allStorable(value: unknown): boolean {
  if (typeof value === 'string') return isStorable(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!allStorable(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (!isStorable(key) || !allStorable(record[key])) return false;
  return true;
}

/** The path of the first key or string in `value` the store cannot hold, and what is wrong with it. */
function findUnstorable(value: unknown, path: string): { path: string; problem: string } | undefined {
  if (typeof value === 'string') return isStorable(value) ? undefined : { path, problem: problem(value) };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (!isStorable(key)) return { path: `a key in ${path || 'the finding'}`, problem: problem(key) };
      const found = findUnstorable(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Refuses, before anything is written, a reconcile call the store cannot carry out: a finding of
 * another entity (BAD_ARGUMENT), or a key, run id or finding holding text the store cannot hold
 * (BAD_VALUE, naming the entity, the finding's field and kind, and where in it).
 */
export function checkReconcile(entity: string, findings: readonly Finding[], runId: string): void {
  const call = `reconcile(${JSON.stringify(entity)})`;
  const refuse = (what: string, text: string): never => {
    throw new StoreError(
      'BAD_VALUE',
      `${call}: ${what} holds ${problem(text)}, which the store cannot hold; nothing of this entity was stored`,
    );
  };
  if (!isStorable(entity)) refuse('the entity key', entity);
  if (!isStorable(runId)) refuse(`the run id ${JSON.stringify(runId)}`, runId);
  for (const finding of findings) {
    if (finding.entity !== entity)
      throw new StoreError(
        'BAD_ARGUMENT',
        `${call}: a finding of entity ${JSON.stringify(finding.entity)} was passed; reconcile each entity on its own`,
      );
    const found = allStorable(finding) ? undefined : findUnstorable(finding, '');
    if (found)
      throw new StoreError(
        'BAD_VALUE',
        `${call}: the finding of field ${JSON.stringify(finding.field)} (${JSON.stringify(finding.kind)}) holds ${found.problem} in ${found.path}, which the store cannot hold; nothing of this entity was stored`,
      );
  }
}

export function checkNote(note: string | undefined): void {
  if (note !== undefined && !isStorable(note))
    throw new StoreError(
      'BAD_VALUE',
      `review: the note holds ${problem(note)}, which the store cannot hold; nothing was reviewed`,
    );
}

/** A run record with U+FFFD in place of what the store cannot hold (a failure quoting a bad record). */
export function storableRun(run: RunRecord): RunRecord {
  return allStorable(run) ? run : (replaceUnstorable(run) as RunRecord);
}

function replaceUnstorable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(UNSTORABLE_ALL, '\ufffd');
  if (Array.isArray(value)) return value.map(replaceUnstorable);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [replaceUnstorable(key), replaceUnstorable(item)]),
    );
  return value;
}
