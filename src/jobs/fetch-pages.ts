// Wikipedia pages of a batch's records, one request per language per 50 titles, and how a failed
// id is described (its reason, stable code and request). Shared by the revision checks and the fetch.

import type { LocalRecord } from '../model/record.js';
import type { WikipediaPage } from '../model/remote.js';
import type { BatchFailure } from '../sources/batches.js';
import { HttpError } from '../sources/http-errors.js';
import type { WikipediaSource } from '../sources/wikipedia.js';
import { pageKey } from '../sync/triage.js';
import { redactUrl } from '../text/redact.js';

/** Why an id could not be read, with the failure's stable code (UPSTREAM_INVALID, HTTP_TIMEOUT…) and request. */
export interface FetchProblem {
  readonly reason: string;
  readonly code: string;
  readonly url?: string;
}

/** The reason without the URL (a terminal shows it; it can be hundreds of characters), the URL apart. */
export const problemOf = ({ error }: BatchFailure): FetchProblem => ({
  // An HttpError's reason names its code already.
  reason: error instanceof HttpError ? error.reason : `${error.code}: ${error.message}`,
  code: error.code,
  url: redactUrl(error.url),
});

export interface FetchedPages {
  /** By "lang:title". */
  readonly pages: Map<string, WikipediaPage>;
  readonly failed: Map<string, FetchProblem>;
}

/** Wikipedia pages of the records, by language, one request per language per 50 titles. */
export async function fetchPages(
  records: readonly LocalRecord[],
  wikipedia: WikipediaSource,
): Promise<FetchedPages> {
  const byLang = new Map<string, string[]>();
  for (const record of records) {
    if (!record.wikipedia) continue;
    byLang.set(record.wikipedia.lang, [...(byLang.get(record.wikipedia.lang) ?? []), record.wikipedia.title]);
  }
  const pages = new Map<string, WikipediaPage>();
  const failed = new Map<string, FetchProblem>(); // "lang:title" → why
  for (const [lang, titles] of byLang) {
    const result = await wikipedia.fetchPages(lang, titles);
    for (const [title, page] of result.found) pages.set(`${lang}:${title}`, page);
    for (const failure of result.failures)
      for (const title of failure.ids) failed.set(`${lang}:${title}`, problemOf(failure));
    for (const rejected of result.rejected)
      failed.set(`${lang}:${rejected.id}`, { reason: rejected.reason, code: 'INVALID_TITLE' });
  }
  return { pages, failed };
}

/** The pages of `records` that `known` does not have yet, fetched and added to it. */
export async function completePages(
  records: readonly LocalRecord[],
  wikipedia: WikipediaSource,
  known: FetchedPages | undefined,
): Promise<FetchedPages> {
  if (!known) return fetchPages(records, wikipedia);
  const missing = records.filter((record) => {
    const key = pageKey(record);
    return key !== undefined && !known.pages.has(key) && !known.failed.has(key);
  });
  if (missing.length === 0) return known;
  const fetched = await fetchPages(missing, wikipedia);
  return {
    pages: new Map([...known.pages, ...fetched.pages]),
    failed: new Map([...known.failed, ...fetched.failed]),
  };
}
