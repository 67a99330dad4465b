// An entity's local record for its page. Cards: `<key>.md` directly under local.path is read at once
// (with its text, for a preview); otherwise the key index of the local store says where the record is
// (a card in a sub-folder, a QID, a JSONL line), so a page — even for a key that does not exist — never
// reads the store through: the index is built once, by one read shared by every request.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { LocalRecord, ReadError, ReadWarning } from '../model/record.js';
import { recordKeyProblem } from '../model/record.js';
import { readCardFile } from '../sources/local/cards.js';
import type { LocalSource } from '../sources/local/index.js';
import type { LocalKeyIndex } from '../sources/local/key-index.js';
/** A card preview shows at most this much text. */
export const PREVIEW_BYTES = 64 * 1024;

export type EntityRecord =
  | {
      readonly found: true;
      readonly record: LocalRecord;
      readonly warnings: readonly ReadWarning[];
      /** The card's text (cards only), cut at PREVIEW_BYTES. */
      readonly cardText?: string;
      readonly truncated?: boolean;
    }
  | { readonly found: false; readonly error?: ReadError; readonly reason: string };

async function cardText(file: string): Promise<{ text: string; truncated: boolean }> {
  const bytes = await readFile(file);
  const truncated = bytes.length > PREVIEW_BYTES;
  return { text: bytes.subarray(0, PREVIEW_BYTES).toString('utf8'), truncated };
}

export async function findEntityRecord(
  key: string,
  local: LocalSource | undefined,
  index: LocalKeyIndex | undefined,
  config: Pick<Config, 'local' | 'fields'>,
): Promise<EntityRecord> {
  if (!local) return { found: false, reason: `the local store (${config.local.path}) cannot be opened` };
  if (recordKeyProblem(key) !== undefined || key === '.' || key === '..')
    return { found: false, reason: 'not a record key' };
  if (local.kind === 'cards') {
    const file = path.join(local.path, `${key}.md`);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) {
      const result = await readCardFile(file, config.fields, config.local.maxRecordBytes);
      if (!result.ok) return { found: false, error: result.error, reason: result.error.error };
      const preview = await cardText(file).catch(() => undefined);
      return {
        found: true,
        record: result.record,
        warnings: result.warnings,
        ...(preview ? { cardText: preview.text, truncated: preview.truncated } : {}),
      };
    }
  }
  // A QID, a card in a sub-folder, or a JSONL line: where the index says it is.
  if (!index) return { found: false, reason: `no record "${key}" in ${local.path}` };
  let result: Awaited<ReturnType<LocalKeyIndex['find']>>;
  try {
    result = await index.find(key);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { found: false, reason: `the local store (${local.path}) cannot be read (${code})` };
  }
  if (!result?.ok) return { found: false, reason: `no record "${key}" in ${local.path}` };
  const preview =
    local.kind === 'cards' ? await cardText(result.record.file).catch(() => undefined) : undefined;
  return {
    found: true,
    record: result.record,
    warnings: result.warnings,
    ...(preview ? { cardText: preview.text, truncated: preview.truncated } : {}),
  };
}
