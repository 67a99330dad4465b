// Opens the configured proposal store and brings its schema up to date. The adapters are imported on
// demand, so a PostgreSQL deployment never loads the SQLite native module, and the reverse.

import type { Config } from '../config.js';
import type { ProposalStore } from './store.js';
import { StoreError } from './store-rows.js';

export async function openStore(config: Pick<Config, 'store'>): Promise<ProposalStore> {
  const { store: settings } = config;
  const store =
    settings.kind === 'postgres'
      ? await (await import('./postgres.js')).openPostgresStore(requireUrl(settings.url))
      : await (await import('./sqlite.js')).openSqliteStore(settings.path);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}

function requireUrl(url: string | undefined): string {
  if (!url)
    throw new StoreError(
      'BAD_ARGUMENT',
      'config store.url: store.kind is postgres, so a postgres:// URL is needed (or DATABASE_URL)',
    );
  return url;
}
