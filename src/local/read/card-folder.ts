// The card files of a folder, walked depth first and streamed. Only regular files are read: a FIFO,
// socket or device is reported, never opened (opening a FIFO waits for a writer for ever). A symlink,
// to a file or a folder, is followed only when its real path is inside local.path's; a folder is read
// once by its real path, so a loop or a second link to a folder is reported instead of read again.
// Whatever is skipped comes out as a read error with its reason: a file we refuse to read is not a
// record, and the run report must show it.

import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ReadError } from '../../model/record.js';
import { type FileType, fileKind, isCardName, isInside } from '../paths.js';

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** The reasons a file is not read, shared by the walk and by the reading of one card. */
export const skipped = {
  notRegular: (info: FileType) => `not a regular file: ${fileKind(info)}, skipped`,
  outside: (real: string) => `symlink points outside local.path (to ${real}), skipped`,
  unresolved: (error: unknown) =>
    codeOf(error) === 'ELOOP'
      ? 'symlink loop (ELOOP), skipped'
      : codeOf(error) === 'ENOENT'
        ? 'broken symlink (ENOENT), skipped'
        : `cannot follow the symlink (${codeOf(error)}), skipped`,
};

/** A card file to read, or a file or folder reported and skipped. */
export type FolderItem = string | ReadError;

interface Folder {
  /** The folder as reached from local.path (what reports show), and its real path. */
  readonly shown: string;
  readonly real: string;
  /** For a folder reached through a symlink: the real path of the folder holding the link. */
  readonly linkedFrom?: string;
}

/** Names are sorted a batch at a time: small folders come out in order, huge ones in bounded memory. */
const SORT_BATCH = 10_000;

/**
 * Card files under `top` (local.path, whose real path is `root`), depth first, without ever listing a
 * whole huge folder into memory. Folders reached through symlinks are walked after the real tree, so
 * a real folder is always read under its own name and a link to it is the one reported.
 */
export async function* cardFiles(top: string, root: string): AsyncGenerator<FolderItem> {
  const read = new Map<string, string>(); // real path → the folder as first read
  const linked: Folder[] = [];

  const alreadyRead = (folder: Folder): ReadError | undefined => {
    if (!read.has(folder.real)) return undefined;
    const target = path.relative(root, folder.real) || 'local.path';
    const loop = folder.linkedFrom !== undefined && isInside(folder.linkedFrom, folder.real);
    const error = loop
      ? `symlink loop: leads back to ${target}, not followed`
      : `symlink to a folder already read (${target}), not followed`;
    return { file: folder.shown, error };
  };

  async function* follow(link: string, name: string, from: string): AsyncGenerator<FolderItem> {
    let target: Stats;
    try {
      target = await stat(link);
    } catch (error) {
      if (isCardName(name)) yield { file: link, error: skipped.unresolved(error) };
      return;
    }
    // Like any other file, a link that is neither a folder nor named as a card is not ours to read.
    if (!target.isDirectory() && !isCardName(name)) return;
    let real: string;
    try {
      real = await realpath(link);
    } catch (error) {
      yield { file: link, error: skipped.unresolved(error) };
      return;
    }
    if (!isInside(real, root)) yield { file: link, error: skipped.outside(real) };
    else if (target.isDirectory()) linked.push({ shown: link, real, linkedFrom: from });
    else if (!target.isFile()) yield { file: link, error: skipped.notRegular(target) };
    else yield link;
  }

  async function* entryItems(folder: Folder, entry: Dirent): AsyncGenerator<FolderItem> {
    const shown = path.join(folder.shown, entry.name);
    // Some file systems do not say what an entry is: ask, without following a symlink.
    const info: Pick<Dirent, keyof FileType | 'isFile' | 'isSymbolicLink'> = isTyped(entry)
      ? entry
      : await lstat(shown);
    if (info.isDirectory()) yield* walk({ shown, real: path.join(folder.real, entry.name) });
    else if (info.isSymbolicLink()) yield* follow(shown, entry.name, folder.real);
    else if (!isCardName(entry.name)) return;
    else if (info.isFile()) yield shown;
    else yield { file: shown, error: skipped.notRegular(info) };
  }

  async function* walk(folder: Folder): AsyncGenerator<FolderItem> {
    const again = alreadyRead(folder);
    if (again) {
      yield again;
      return;
    }
    read.set(folder.real, folder.shown);
    let batch: Dirent[] = [];
    async function* flush(): AsyncGenerator<FolderItem> {
      const entries = batch.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      batch = [];
      for (const entry of entries) yield* entryItems(folder, entry);
    }
    let dir: AsyncIterable<Dirent>;
    try {
      dir = await opendir(folder.shown, { bufferSize: 256 });
    } catch (error) {
      yield { file: folder.shown, error: `cannot read the folder (${codeOf(error)}), skipped` };
      return;
    }
    for await (const entry of dir) {
      // Dot-files and dot-folders are not cards (a link to a dot-folder is followed like any other).
      if (entry.name.startsWith('.')) continue;
      const wanted =
        !isTyped(entry) || entry.isDirectory() || entry.isSymbolicLink() || isCardName(entry.name);
      if (wanted) batch.push(entry);
      if (batch.length >= SORT_BATCH) yield* flush();
    }
    yield* flush();
  }

  yield* walk({ shown: top, real: root });
  for (let folder = linked.shift(); folder; folder = linked.shift()) yield* walk(folder);
}

function isTyped(entry: Dirent): boolean {
  return (
    entry.isFile() ||
    entry.isDirectory() ||
    entry.isSymbolicLink() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isCharacterDevice() ||
    entry.isBlockDevice()
  );
}
