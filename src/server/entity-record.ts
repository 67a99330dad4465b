// An entity's local record for its page: the record as the local store's lookup finds it
// (find-record.ts: a card directly, else through the key index, so a page — even for a key that does
// not exist — never reads the store through), with the card's text for a preview.

import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { findLocalRecord } from '../local/read/find-record.js';
import type { LocalSource } from '../local/read/index.js';
import type { LocalKeyIndex } from '../local/read/key-index.js';
import type { LocalRecord, ReadError, ReadWarning } from '../model/record.js';
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
  const result = await findLocalRecord(key, local, index, config);
  if (!result.found || local?.kind !== 'cards') return result;
  const preview = await cardText(result.record.file).catch(() => undefined);
  return { ...result, ...(preview ? { cardText: preview.text, truncated: preview.truncated } : {}) };
}
