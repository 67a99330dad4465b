// Opens the configured local store (local.kind, local.path).

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
