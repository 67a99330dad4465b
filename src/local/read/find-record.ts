// One record of the local store by its key or QID, without reading the store through: a card
// `<key>.md` directly under local.path is read at once; anything else (a QID, a card in a sub-folder,
// a JSONL line) is found through the key index, built by one read shared by every lookup. Used by the
// review page (an entity's page) and by `refresh`/`sync KEY…`, which refuse keys that name no record.

import { stat } from 'node:fs/promises';
import type { Config } from '../../config.js';
import type { LocalRecord, ReadError, ReadWarning } from '../../model/record.js';
import { recordKeyProblem } from '../../model/record.js';
import { cardPath } from '../paths.js';
import { readCardFile } from './cards.js';
import type { LocalSource } from './index.js';
import type { LocalKeyIndex } from './key-index.js';

export type FoundRecord =
  | { readonly found: true; readonly record: LocalRecord; readonly warnings: readonly ReadWarning[] }
  /** `error`: a card `<key>.md` is there but cannot be read (a run reports why). */
  | { readonly found: false; readonly error?: ReadError; readonly reason: string };

export async function findLocalRecord(
  key: string,
  local: LocalSource | undefined,
  index: LocalKeyIndex | undefined,
  config: Pick<Config, 'local' | 'fields'>,
): Promise<FoundRecord> {
  if (!local) return { found: false, reason: `the local store (${config.local.path}) cannot be opened` };
  if (recordKeyProblem(key) !== undefined || key === '.' || key === '..')
    return { found: false, reason: 'not a record key' };
  if (local.kind === 'cards') {
    const file = cardPath(local.path, key);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) {
      const result = await readCardFile(file, config.fields, config.local.maxRecordBytes);
      if (!result.ok) return { found: false, error: result.error, reason: result.error.error };
      return { found: true, record: result.record, warnings: result.warnings };
    }
  }
  if (!index) return { found: false, reason: `no record "${key}" in ${local.path}` };
  let result: Awaited<ReturnType<LocalKeyIndex['find']>>;
  try {
    result = await index.find(key);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { found: false, reason: `the local store (${local.path}) cannot be read (${code})` };
  }
  if (!result?.ok) return { found: false, reason: `no record "${key}" in ${local.path}` };
  return { found: true, record: result.record, warnings: result.warnings };
}

/**
 * The keys of `keys` that name no record: neither a record's key or QID nor a card that is there but
 * unreadable (refreshing that one is how an editor sees why it does not read).
 */
export async function unknownKeys(
  keys: readonly string[],
  local: LocalSource,
  index: LocalKeyIndex,
  config: Pick<Config, 'local' | 'fields'>,
): Promise<Array<{ key: string; reason: string }>> {
  const unknown: Array<{ key: string; reason: string }> = [];
  for (const key of new Set(keys)) {
    const found = await findLocalRecord(key, local, index, config);
    if (!found.found && !found.error) unknown.push({ key, reason: found.reason });
  }
  return unknown;
}
