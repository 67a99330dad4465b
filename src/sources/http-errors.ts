// The HTTP layer's failures: a small named set with stable `code`s that callers branch on, never on
// message text. Each names the request (endpoint and URL, credentials masked) and how many attempts were
// made.

import { redactUrl } from '../text/redact.js';

export type HttpErrorCode =
  /**
   * Any status but 200 and the throttling 429/503: a 5xx, a redirect or another 2xx after retries
   * (a proxy may be in the way), or a 4xx that retrying cannot fix. Only HTTP 200 is an answer.
   */
  | 'HTTP_STATUS'
  /** The connection failed or was reset, or the body was cut short. */
  | 'HTTP_NETWORK'
  /**
   * The host could not be reached at all on any try — its name does not resolve, the connection is
   * refused, no route, connecting timed out — or was found so earlier in the same run (http-reach.ts).
   */
  | 'HTTP_UNREACHABLE'
  /** No whole answer (connect, headers and the whole body) within http.timeoutMs, per attempt. */
  | 'HTTP_TIMEOUT'
  /** An HTTP 200 whose body is not a JSON object, does not decompress, or fails the caller's check. */
  | 'HTTP_BAD_BODY'
  /** The body is over http.maxBodyBytes, on the wire or decompressed; not retried (it would be again). */
  | 'HTTP_TOO_LARGE'
  /** The API answered with an `error` object. */
  | 'API_ERROR'
  /** Still throttled (maxlag, 429, 503) after waiting http.maxWaitMs in all. */
  | 'THROTTLED';

export class HttpError extends Error {
  /** The failure without the URL: what a terminal shows (the reports show the URL too). */
  readonly reason: string;

  constructor(
    readonly code: HttpErrorCode,
    /** What was asked: `wbgetentities`, `query-info`, `wikipedia-pages`… */
    readonly endpoint: string,
    readonly url: string,
    readonly attempts: number,
    detail: string,
    readonly status?: number,
    /** The API's error code, for API_ERROR. */
    readonly apiCode?: string,
  ) {
    const tried = attempts === 0 ? 'without a try' : `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const reason = `${endpoint} request failed (${code}) ${tried}: ${detail}`;
    super(`${reason} — GET ${shorten(url)}`);
    this.reason = reason;
    this.name = 'HttpError';
  }
}

/** The URL as an error shows it: credentials masked (a proxy's user and password), at most 300 characters. */
function shorten(raw: string): string {
  const url = redactUrl(raw);
  return url.length <= 300 ? url : `${url.slice(0, 297)}…`;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** The code of a thrown transport error (undici's or the OS's). */
export function transportCode(error: unknown): 'HTTP_TIMEOUT' | 'HTTP_NETWORK' {
  const code = (error as { code?: string }).code ?? '';
  return TIMEOUT_CODES.has(code) || (error as Error).name === 'TimeoutError'
    ? 'HTTP_TIMEOUT'
    : 'HTTP_NETWORK';
}
