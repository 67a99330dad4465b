// What a path means in the local store, one rule each for its reading side (read/) and its writing side
// (write/): which files are cards and how a card's file name is its key, whether a real path is inside
// local.path, what a special file is called, and the checks that refuse a local.path that cannot be the
// store at all (LocalSourceError: the config is wrong, exit 2, rather than a record to report).

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** The local store cannot be opened at all (a missing path, a folder given as a JSONL file). */
export class LocalSourceError extends Error {
  constructor(
    readonly code: 'LOCAL_PATH_MISSING' | 'LOCAL_PATH_KIND',
    /** The config key to fix. */
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'LocalSourceError';
  }
}

/** A card is a `.md` file that is not a dot-file (apply's temporary files are) nor a README. */
export const isCardName = (name: string) =>
  name.endsWith('.md') && !name.startsWith('.') && name.toLowerCase() !== 'readme.md';

/** A card's key is its file name without `.md`. */
export const cardKey = (file: string) => path.basename(file, '.md');

/** The card file of `key` directly in `folder`. */
export const cardPath = (folder: string, key: string) => path.join(folder, `${key}.md`);

export type FileType = Pick<
  Stats,
  'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory'
>;

/** What a file that is not a regular file is, in words. */
export function fileKind(info: FileType): string {
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  if (info.isDirectory()) return 'folder';
  return 'unknown kind';
}

/** Whether a real path is `root` or under it (both real paths). */
export function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

/** local.path is neither a regular file nor a folder (a FIFO, a socket, a device). */
export function notFileOrFolder(file: string, info: FileType): LocalSourceError {
  const message = `local.path: ${file} is not a regular file or a folder but a ${fileKind(info)}`;
  return new LocalSourceError('LOCAL_PATH_KIND', 'local.path', message);
}

/** What local.path is; throws LOCAL_PATH_MISSING when there is nothing there. */
export async function statLocalPath(file: string): Promise<Stats> {
  const info = await stat(file).catch(() => undefined);
  if (!info)
    throw new LocalSourceError('LOCAL_PATH_MISSING', 'local.path', `local.path: ${file} does not exist`);
  return info;
}

/** local.path for local.kind jsonl: one regular file, or a LocalSourceError saying what it is instead. */
export async function checkJsonlPath(file: string): Promise<void> {
  const info = await statLocalPath(file);
  if (info.isFile()) return;
  if (!info.isDirectory()) throw notFileOrFolder(file, info);
  const message = `local.path: ${file} is a folder; local.kind jsonl reads one file`;
  throw new LocalSourceError('LOCAL_PATH_KIND', 'local.path', message);
}
