// The cards adapter: a folder (walked recursively, streamed) or a single file of Markdown cards.
// Files are read a few at a time, in order, each checked for its kind, size and encoding before it is
// parsed; the walk (card-folder.ts) decides which files are cards to read.

import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { pMapIterable } from 'p-map';
import type { FieldSpec } from '../../model/fields.js';
import type { ReadResult } from '../../model/record.js';
import { cardKey, isInside, LocalSourceError, notFileOrFolder, statLocalPath } from '../paths.js';
import { decodeText } from '../text.js';
import { cardFiles, type FolderItem, skipped } from './card-folder.js';
import { parseCard } from './card-parser.js';
import type { LocalSource } from './source.js';

export interface CardsOptions {
  readonly path: string;
  readonly fields: readonly FieldSpec[];
  readonly maxRecordBytes: number;
  /** Files read at once. */
  readonly concurrency?: number;
}

// Never wait on a FIFO that appeared since the walk; never follow a symlink without checking where to.
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK;
const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;

/**
 * Opens a card file. A symlink is opened only when its real path is inside `root` (the real path of
 * local.path; by default the real path of the card's folder).
 */
async function openCard(file: string, root: string | undefined): Promise<FileHandle | string> {
  try {
    return await open(file, OPEN_FLAGS | NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP' || NO_FOLLOW === 0) throw error;
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    return skipped.unresolved(error);
  }
  const within = root ?? (await realpath(path.dirname(file)));
  if (!isInside(real, within)) return skipped.outside(real);
  return await open(real, OPEN_FLAGS);
}

/** One card file, read and parsed; a huge, binary, vanished or special file is an error result. */
export async function readCardFile(
  file: string,
  fields: readonly FieldSpec[],
  maxBytes: number,
  root?: string,
): Promise<ReadResult> {
  const key = cardKey(file);
  let handle: FileHandle | undefined;
  try {
    const opened = await openCard(file, root);
    if (typeof opened === 'string') return { ok: false, error: { file, error: opened } };
    handle = opened;
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, error: { file, error: skipped.notRegular(info) } };
    if (info.size > maxBytes) {
      return {
        ok: false,
        error: { file, error: `file is ${info.size} bytes, over local.maxRecordBytes (${maxBytes})` },
      };
    }
    if (info.size === 0) return { ok: false, error: { file, error: 'empty file' } };
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
  const info = await statLocalPath(options.path);
  if (!info.isFile() && !info.isDirectory()) throw notFileOrFolder(options.path, info);
  if (info.isFile() && /\.(jsonl|ndjson)$/i.test(options.path)) {
    throw new LocalSourceError(
      'LOCAL_PATH_KIND',
      'local.kind',
      `local.kind is "cards" but ${options.path} is a JSONL file: set local.kind: jsonl (or FACTSYNC_LOCAL_KIND=jsonl)`,
    );
  }
  // local.path may itself be a symlink: what is inside is judged by real paths.
  const root = await realpath(options.path);
  const files = info.isDirectory()
    ? () => cardFiles(options.path, root)
    : async function* () {
        yield options.path;
      };
  const read = (items: AsyncIterable<FolderItem> | Iterable<FolderItem>) =>
    pMapIterable(
      items,
      (item): Promise<ReadResult> | ReadResult =>
        typeof item === 'string'
          ? readCardFile(item, options.fields, options.maxRecordBytes, root)
          : { ok: false, error: item },
      {
        concurrency: options.concurrency ?? 8,
        backpressure: (options.concurrency ?? 8) * 2,
      },
    );
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
