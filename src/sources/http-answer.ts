// What a server's reply means, as plain data: an answer, throttling to wait out, or a failure. Only
// HTTP 200 with a JSON object that the caller's check accepts is an answer; anything else — a redirect,
// a 204, a JSON null, an envelope without its data — is a failure, never handed to a source as the truth.

import type { HttpErrorCode } from './http-errors.js';

export type Headers = Record<string, string | string[] | undefined>;

export type Failure = {
  ok: false;
  code: HttpErrorCode;
  retryable: boolean;
  detail: string;
  status?: number;
  apiCode?: string;
  /** The host could not be reached at all: the system's code (ENOTFOUND, ECONNREFUSED…). */
  unreachable?: string;
};
export type Throttled = { throttled: true; waitMs?: number; reason: string };
/** One try: a value, a failure, or throttled (with the wait the server asked for, if it said). */
export type Attempt<T> = { ok: true; value: T } | Failure | Throttled;

/** Returns what is wrong with an answer's envelope, or undefined when it is whole. */
export type AnswerCheck = (body: unknown) => string | undefined;

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A status other than 200: throttling (429, 503) or a failure. */
export function notAnAnswer(status: number, headers: Headers): Failure | Throttled {
  if (status === 429 || status === 503) {
    return { throttled: true, waitMs: retryAfterMs(headers['retry-after']), reason: `HTTP ${status}` };
  }
  // A 4xx is a request retrying cannot fix; a 5xx may pass, and so may a redirect or an odd 2xx
  // (a proxy or a captive portal in the way).
  const detail =
    status < 400 ? `HTTP ${status}${redirectTarget(headers.location)}, not 200` : `HTTP ${status}`;
  return { ok: false, code: 'HTTP_STATUS', retryable: status < 400 || status >= 500, status, detail };
}

/** The decoded body of an HTTP 200: the answer, maxlag throttling, an API error, or a bad body. */
export function readAnswer<T>(text: string, headers: Headers, check?: AnswerCheck): Attempt<T> {
  const status = 200;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const detail = `the body is not JSON (${(error as Error).message})`;
    return { ok: false, code: 'HTTP_BAD_BODY', retryable: true, status, detail };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const detail = `the body is ${jsonKind(body)}, not an object`;
    return { ok: false, code: 'HTTP_BAD_BODY', retryable: true, status, detail };
  }
  const apiError = (body as { error?: { code?: string; info?: string; lag?: number } }).error;
  if (apiError) {
    if (apiError.code === 'maxlag') {
      const lag = headers['x-database-lag'] ?? apiError.lag ?? '?';
      return {
        throttled: true,
        waitMs: retryAfterMs(headers['retry-after']),
        reason: `maxlag (database lag ${lag} s)`,
      };
    }
    // Retrying cannot fix a request the API refuses (no-such-entity, badvalue, toomanyvalues…);
    // an internal error or a read-only database may pass.
    return {
      ok: false,
      code: 'API_ERROR',
      retryable: /^internal_api_error|^readonly$/.test(apiError.code ?? ''),
      status,
      apiCode: apiError.code,
      detail: `API error ${apiError.code}: ${apiError.info ?? ''}`.trim(),
    };
  }
  // After the API error: an error envelope is the API's word, not a malformed answer.
  let problem: string | undefined;
  try {
    problem = check?.(body);
  } catch (error) {
    // A check that trips over an odd shape has still found the answer malformed.
    problem = `the answer could not be checked (${(error as Error).message})`;
  }
  if (problem !== undefined)
    return { ok: false, code: 'HTTP_BAD_BODY', retryable: true, status, detail: problem };
  return { ok: true, value: body as T };
}

/** Where a redirect points, quoted so a hostile Location prints safely. */
function redirectTarget(location: string | string[] | undefined): string {
  const value = Array.isArray(location) ? location[0] : location;
  return value ? ` (redirect to ${JSON.stringify(value.slice(0, 200))})` : '';
}

function jsonKind(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}
