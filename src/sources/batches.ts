// Running one request per batch of ids: a failed batch fails alone, and is reported with its ids. An
// answer that came but cannot be believed for one id fails that id alone (UnreadableAnswerError).

import { isUnreadable, type UnreadableAnswer } from '../model/remote.js';
import { HttpError } from './http-errors.js';

/** An answer for one id that is not whole or not of its shape: that entity failed, not the batch. */
export class UnreadableAnswerError extends Error {
  readonly code = 'UPSTREAM_INVALID';
  constructor(
    readonly endpoint: string,
    readonly url: string,
    reason: string,
  ) {
    super(`${endpoint} answered but the answer cannot be believed: ${reason}`);
    this.name = 'UnreadableAnswerError';
  }
}

export interface BatchFailure {
  readonly ids: readonly string[];
  readonly error: HttpError | UnreadableAnswerError;
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

/** What one request answered: the values it could be believed on, and the ids it could not. */
export interface Answered<K, V> {
  readonly found: Map<K, V>;
  readonly unreadable?: readonly { readonly id: string; readonly error: UnreadableAnswerError }[];
}

/** The values of a parsed answer that can be believed; the others become failures of their ids. */
export function believed<K extends string, V>(
  parsed: ReadonlyMap<K, V | UnreadableAnswer>,
  endpoint: string,
  url: URL,
): Answered<K, V> {
  const found = new Map<K, V>();
  const unreadable: Array<{ id: string; error: UnreadableAnswerError }> = [];
  for (const [id, value] of parsed) {
    if (isUnreadable(value))
      unreadable.push({ id, error: new UnreadableAnswerError(endpoint, url.href, value.reason) });
    else found.set(id, value);
  }
  return { found, unreadable };
}

/** Runs `fetch` for each batch (the HTTP layer bounds how many run at once) and gathers the results. */
export async function inBatches<I, K, V>(
  ids: readonly I[],
  size: number,
  fetch: (batch: I[]) => Promise<Answered<K, V>>,
): Promise<Pick<Fetched<K, V>, 'found' | 'failures'>> {
  const found = new Map<K, V>();
  const failures: BatchFailure[] = [];
  await Promise.all(
    chunk(ids, size).map(async (batch) => {
      try {
        const answered = await fetch(batch);
        for (const [key, value] of answered.found) found.set(key, value);
        for (const { id, error } of answered.unreadable ?? []) failures.push({ ids: [id], error });
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        failures.push({ ids: batch.map(String), error });
      }
    }),
  );
  return { found, failures };
}
