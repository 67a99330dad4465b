// The local store: where the knowledge base's records come from. Two adapters, cards and jsonl
// (SPEC §2), behind one contract: records stream out one at a time, so a store of a million records is
// never held in memory, and an unreadable record arrives as an error result, never as a throw.

import type { ReadResult } from '../../model/record.js';

/** Where a batch of records is: card files, or a byte range of whole lines of a JSONL file. */
export type RecordBatch =
  | { readonly kind: 'cards'; readonly files: readonly string[] }
  | {
      readonly kind: 'jsonl';
      readonly file: string;
      readonly start: number;
      readonly end: number;
      readonly firstLine: number;
    };

export interface LocalSource {
  readonly kind: 'cards' | 'jsonl';
  /** The folder or file read. */
  readonly path: string;
  /** Every record, streamed; each unreadable one as `{ ok: false, error }` with file, line and reason. */
  records(): AsyncGenerator<ReadResult>;
  /** The records of one batch, as planned earlier from `records()` (read again: they may have changed). */
  batch(ref: RecordBatch): AsyncGenerator<ReadResult>;
}
