// Splitting the local store into batches of records (references, not the records themselves), while
// streaming it once: card files 50 at a time, or ranges of whole JSONL lines. Unreadable records come
// out on the way, to be reported; records outside the scope are left out.

import path from 'node:path';
import type { LocalRecord, ReadError } from '../../model/record.js';
import type { LocalSource, RecordBatch } from './source.js';

export type PlanItem =
  | { readonly batch: RecordBatch; readonly count: number }
  | { readonly error: ReadError };

/** Whether a record is one of those asked for (by key or by QID); every record when no scope is given. */
export function inScope(record: LocalRecord, scope: ReadonlySet<string> | undefined): boolean {
  return !scope || scope.size === 0 || scope.has(record.key) || scope.has(record.qid);
}

/** Where a record is, the same from any working directory: its card's path in the store, or `file:line`. */
export function recordLocation(
  source: Pick<LocalSource, 'path'>,
  record: Pick<LocalRecord, 'file' | 'line'>,
): string {
  const file = path.relative(source.path, record.file) || path.basename(record.file);
  return record.line === undefined ? file : `${file}:${record.line}`;
}

/** The error of a record whose key an earlier record has: a key names one record. */
export function duplicateKeyError(
  record: Pick<LocalRecord, 'key' | 'file' | 'line'>,
  owner: string,
): ReadError {
  const error = `duplicate key "${record.key}": already used by ${owner}`;
  return { file: record.file, ...(record.line === undefined ? {} : { line: record.line }), error };
}

/**
 * What planning keeps of a record until its batch is made: where it is, its key and its page. Not the
 * record: a feed batch holds thousands, and whole records kept that long outlive the young generation
 * (the garbage collector copies them, then promotes them), every night, for every record.
 */
export type PlannedRecord = Pick<LocalRecord, 'key' | 'file' | 'line' | 'span' | 'wikipedia'>;

function planned(record: LocalRecord): PlannedRecord {
  const { key, file, line, span, wikipedia } = record;
  return {
    key,
    file,
    ...(line === undefined ? {} : { line }),
    ...(span === undefined ? {} : { span }),
    ...(wikipedia === undefined ? {} : { wikipedia }),
  };
}

/**
 * Claims record keys in read order; returns, for each record, the location of the earlier record that
 * has its key, or undefined when the key is its own.
 */
export type KeyClaims = (records: readonly PlannedRecord[]) => Promise<Array<string | undefined>>;

export async function* planBatches(
  source: LocalSource,
  size: number,
  scope?: ReadonlySet<string>,
  claim?: KeyClaims,
): AsyncGenerator<PlanItem> {
  let pending: PlannedRecord[] = [];
  /** Records read but not yet claimed, in order. */
  let unclaimed: PlannedRecord[] = [];
  const settle = async function* (): AsyncGenerator<PlanItem> {
    if (!claim || unclaimed.length === 0) {
      pending.push(...unclaimed);
      unclaimed = [];
      return;
    }
    const owners = await claim(unclaimed);
    for (const [index, record] of unclaimed.entries()) {
      const owner = owners[index];
      if (owner === undefined) pending.push(record);
      else yield { error: duplicateKeyError(record, owner) };
    }
    unclaimed = [];
  };
  const flush = (): PlanItem | undefined => {
    const first = pending[0];
    const last = pending.at(-1);
    if (!first || !last) return undefined;
    const count = pending.length;
    const batch: RecordBatch =
      source.kind === 'cards'
        ? { kind: 'cards', files: pending.map((r) => r.file) }
        : {
            kind: 'jsonl',
            file: first.file,
            start: first.span?.start ?? 0,
            end: last.span?.end ?? 0,
            firstLine: first.line ?? 1,
          };
    pending = [];
    return { batch, count };
  };
  for await (const result of source.records()) {
    if (!result.ok) {
      yield { error: result.error };
      continue;
    }
    if (!inScope(result.record, scope)) {
      // A JSONL batch is a range of lines: do not let it stretch over records that are not asked for.
      if (source.kind === 'jsonl' && pending.length + unclaimed.length > 0) {
        yield* settle();
        const item = flush();
        if (item) yield item;
      }
      continue;
    }
    unclaimed.push(planned(result.record));
    if (pending.length + unclaimed.length >= size) {
      yield* settle();
      if (pending.length >= size) {
        const item = flush();
        if (item) yield item;
      }
    }
  }
  yield* settle();
  const item = flush();
  if (item) yield item;
}
