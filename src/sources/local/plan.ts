// Splitting the local store into batches of records (references, not the records themselves), while
// streaming it once: card files 50 at a time, or ranges of whole JSONL lines. Unreadable records come
// out on the way, to be reported; records outside the scope are left out.

import type { LocalRecord, ReadError } from '../../model/record.js';
import type { LocalSource, RecordBatch } from './source.js';

export type PlanItem =
  | { readonly batch: RecordBatch; readonly count: number }
  | { readonly error: ReadError };

/** Whether a record is one of those asked for (by key or by QID); every record when no scope is given. */
export function inScope(record: LocalRecord, scope: ReadonlySet<string> | undefined): boolean {
  return !scope || scope.size === 0 || scope.has(record.key) || scope.has(record.qid);
}

export async function* planBatches(
  source: LocalSource,
  size: number,
  scope?: ReadonlySet<string>,
): AsyncGenerator<PlanItem> {
  let pending: LocalRecord[] = [];
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
      if (source.kind === 'jsonl' && pending.length > 0) {
        const item = flush();
        if (item) yield item;
      }
      continue;
    }
    pending.push(result.record);
    if (pending.length >= size) {
      const item = flush();
      if (item) yield item;
    }
  }
  const item = flush();
  if (item) yield item;
}
