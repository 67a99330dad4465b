// The jsonl adapter: one record a line (SPEC §2), streamed; blank lines are allowed and skipped.

import type { FieldSpec } from '../../model/fields.js';
import type { ReadResult } from '../../model/record.js';
import { checkJsonlPath } from '../paths.js';
import { decodeText } from '../text.js';
import { parseJsonlRecord } from './jsonl-record.js';
import { type LineRange, readLines } from './lines.js';
import type { LocalSource } from './source.js';

export interface JsonlOptions {
  readonly path: string;
  readonly fields: readonly FieldSpec[];
  readonly maxRecordBytes: number;
}

async function* records(options: JsonlOptions, range?: LineRange): AsyncGenerator<ReadResult> {
  const file = options.path;
  for await (const item of readLines(file, options.maxRecordBytes, range)) {
    if ('tooLong' in item) {
      const error = `line is ${item.tooLong} bytes, over local.maxRecordBytes (${options.maxRecordBytes})`;
      yield { ok: false, error: { file, line: item.line, error } };
      continue;
    }
    const decoded = decodeText(item.bytes);
    if (!decoded.ok) {
      yield { ok: false, error: { file, line: item.line, error: decoded.reason } };
      continue;
    }
    if (decoded.text.trim() === '') continue;
    const result = parseJsonlRecord(decoded.text, file, item.line, options.fields);
    yield result.ok
      ? { ...result, record: { ...result.record, span: { start: item.start, end: item.end } } }
      : result;
  }
}

export async function openJsonl(options: JsonlOptions): Promise<LocalSource> {
  await checkJsonlPath(options.path);
  return {
    kind: 'jsonl',
    path: options.path,
    records: () => records(options),
    batch: (ref) => {
      if (ref.kind !== 'jsonl' || ref.file !== options.path)
        throw new Error(`not a batch of ${options.path}`);
      return records(options, ref);
    },
  };
}
