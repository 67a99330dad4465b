// The local store's reading side: opens the configured store (local.kind, local.path) as a LocalSource
// (source.ts). Its writing side is ../write (`apply`); the path and text rules both sides follow are
// ../paths.ts and ../text.ts.

import type { Config } from '../../config.js';
import { openCards } from './cards.js';
import { openJsonl } from './jsonl.js';
import type { LocalSource } from './source.js';

export { LocalSourceError } from '../paths.js';
export type { LocalSource } from './source.js';

export function openLocalSource(config: Pick<Config, 'local' | 'fields'>): Promise<LocalSource> {
  const options = {
    path: config.local.path,
    fields: config.fields,
    maxRecordBytes: config.local.maxRecordBytes,
  };
  return config.local.kind === 'jsonl' ? openJsonl(options) : openCards(options);
}
