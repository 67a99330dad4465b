// The cards adapter: a folder (walked recursively, streamed) or a single file of Markdown cards.
// Files are read a few at a time, in order, each checked for size and encoding before it is parsed.

import { type Dirent, constants as fsConstants } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pMapIterable } from 'p-map';
import type { FieldSpec } from '../../model/fields.js';
import type { ReadResult } from '../../model/record.js';
import { parseCard } from './card-parser.js';
import { type LocalSource, LocalSourceError } from './source.js';
import { decodeText } from './text.js';

export interface CardsOptions {
  readonly path: string;
  readonly fields: readonly FieldSpec[];
  readonly maxRecordBytes: number;
  /** Files read at once. */
  readonly concurrency?: number;
}

const isCardName = (name: string) =>
  name.endsWith('.md') && !name.startsWith('.') && name.toLowerCase() !== 'readme.md';

/** Names are sorted a batch at a time: small folders come out in order, huge ones in bounded memory. */
const SORT_BATCH = 10_000;

/** Card files under `dir`, depth first, without ever listing a whole huge folder into memory. */
async function* walk(dir: string): AsyncGenerator<string> {
  let batch: Dirent[] = [];
  async function* flush(): AsyncGenerator<string> {
    const entries = batch.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    batch = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full);
      else yield full;
    }
  }
  for await (const entry of await opendir(dir, { bufferSize: 256 })) {
    const wanted = entry.isDirectory()
      ? !entry.name.startsWith('.')
      : (entry.isFile() || entry.isSymbolicLink()) && isCardName(entry.name);
    if (wanted) batch.push(entry);
    if (batch.length >= SORT_BATCH) yield* flush();
  }
  yield* flush();
}

/** One card file, read and parsed; a huge, binary or vanished file is an error result. */
export async function readCardFile(
  file: string,
  fields: readonly FieldSpec[],
  maxBytes: number,
): Promise<ReadResult> {
  const key = path.basename(file, '.md');
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, fsConstants.O_RDONLY);
    const { size } = await handle.stat();
    if (size > maxBytes) {
      return {
        ok: false,
        error: { file, error: `file is ${size} bytes, over local.maxRecordBytes (${maxBytes})` },
      };
    }
    if (size === 0) return { ok: false, error: { file, error: 'empty file' } };
    const bytes = await handle.readFile();
    const decoded = decodeText(bytes);
    if (!decoded.ok) return { ok: false, error: { file, error: decoded.reason } };
    return parseCard(decoded.text, key, file, fields);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, error: { file, error: `cannot read the file (${code})` } };
  } finally {
    await handle?.close();
  }
}

export async function openCards(options: CardsOptions): Promise<LocalSource> {
  const info = await stat(options.path).catch(() => undefined);
  if (!info) {
    throw new LocalSourceError(
      'LOCAL_PATH_MISSING',
      'local.path',
      `local.path: ${options.path} does not exist`,
    );
  }
  if (info.isFile() && /\.(jsonl|ndjson)$/i.test(options.path)) {
    throw new LocalSourceError(
      'LOCAL_PATH_KIND',
      'local.kind',
      `local.kind is "cards" but ${options.path} is a JSONL file: set local.kind: jsonl (or FACTSYNC_LOCAL_KIND=jsonl)`,
    );
  }
  const files = info.isDirectory()
    ? () => walk(options.path)
    : async function* () {
        yield options.path;
      };
  const read = (paths: AsyncIterable<string> | Iterable<string>) =>
    pMapIterable(paths, (file) => readCardFile(file, options.fields, options.maxRecordBytes), {
      concurrency: options.concurrency ?? 8,
      backpressure: (options.concurrency ?? 8) * 2,
    });
  return {
    kind: 'cards',
    path: options.path,
    records: async function* () {
      yield* read(files());
    },
    batch: async function* (ref) {
      if (ref.kind !== 'cards') throw new Error('not a batch of cards');
      yield* read(ref.files);
    },
  };
}
