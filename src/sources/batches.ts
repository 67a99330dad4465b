// Running one request per batch of ids: a failed batch fails alone, and is reported with its ids.

import { HttpError } from './http-errors.js';

export interface BatchFailure {
  readonly ids: readonly string[];
  readonly error: HttpError;
}

/** What a batched lookup found, the batches that failed, and the ids refused before any request. */
export interface Fetched<K, V> {
  readonly found: Map<K, V>;
  readonly failures: BatchFailure[];
  readonly rejected: Array<{ readonly id: string; readonly reason: string }>;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs `fetch` for each batch (the HTTP layer bounds how many run at once) and gathers the results. */
export async function inBatches<I, K, V>(
  ids: readonly I[],
  size: number,
  fetch: (batch: I[]) => Promise<Map<K, V>>,
): Promise<Pick<Fetched<K, V>, 'found' | 'failures'>> {
  const found = new Map<K, V>();
  const failures: BatchFailure[] = [];
  await Promise.all(
    chunk(ids, size).map(async (batch) => {
      try {
        for (const [key, value] of await fetch(batch)) found.set(key, value);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        failures.push({ ids: batch.map(String), error });
      }
    }),
  );
  return { found, failures };
}
