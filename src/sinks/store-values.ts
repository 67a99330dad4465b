// Text the proposal store cannot hold: U+0000 (PostgreSQL's text and jsonb refuse it; SQLite would
// take it, so both stores refuse it alike) and lone UTF-16 surrogates (no UTF-8 form: a driver would
// store U+FFFD instead, or jsonb would refuse the escape). A finding or a note holding one is refused
// before anything is written, with a message naming where; a run record, which only reports, is
// stored with U+FFFD in their place rather than lost.

import type { Finding } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import {
  findUnstorable,
  isStorable,
  UNSTORABLE_ALL,
  unstorableChar,
  unstorableName,
} from '../model/storable.js';
import { StoreError } from './store-rows.js';

export { isStorable } from '../model/storable.js';

/** What is wrong with a text, for messages: never the character itself. */
function problem(text: string): string {
  return unstorableName(unstorableChar(text) ?? '');
}

/** The first key or string of a finding the store cannot hold: its path and what is wrong. */
function unstorableIn(value: unknown): { path: string; problem: string } | undefined {
  const found = findUnstorable(value, '');
  if (!found) return undefined;
  const path = found.inKey ? `a key in ${found.path || 'the finding'}` : found.path;
  return { path, problem: unstorableName(found.char) };
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
    const found = unstorableIn(finding);
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
  return findUnstorable(run, '') ? (replaceUnstorable(run) as RunRecord) : run;
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
