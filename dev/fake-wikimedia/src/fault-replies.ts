// What a faulty Wikimedia answers, by fault kind (the timeout and truncation faults are made in
// server.ts, as they are about the connection, not the content):
// - error: 500, 502 or 504, with a JSON body in the `httpCode`/`httpReason` form of Wikimedia's
//   REST error bodies;
// - unavailable: 503 with Retry-After; throttle: 429 with Retry-After;
// - maxlag: HTTP 200 with MediaWiki's maxlag error (shape of wdtk_error-maxlag-full.json), and the
//   Retry-After, X-Database-Lag and MediaWiki-API-Error headers (Manual:Maxlag parameter). Real
//   wikis send Retry-After max(maxlag, 5); the fake sends its configured value, 1 s by default.

import { type ApiRequest, apiError, type Endpoint } from './api.js';
import type { FaultKind } from './faults.js';
import type { Reply } from './http.js';

const REASONS: Readonly<Record<number, string>> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const httpFailure = (status: number, headers?: Record<string, string>): Reply => ({
  status,
  body: { httpCode: status, httpReason: REASONS[status] },
  ...(headers ? { headers } : {}),
});

/** The maxlag error for a request that sent `maxlag=N`: lagged a little over N seconds. */
export function maxlagReply(request: ApiRequest, endpoint: Endpoint, retryAfter: number): Reply {
  const asked = Number(request.params.get('maxlag'));
  const lag = Math.round(((Number.isFinite(asked) ? asked : 5) + 1.2) * 100) / 100;
  // Wikidata reports the query service's lag; a Wikipedia reports a database host's.
  const extra =
    request.site === 'wikidata'
      ? { host: 'all', lag, type: 'wikibase-queryservice', queryserviceLag: Math.round(lag * 180) }
      : { host: '10.64.48.35', lag, type: 'db' };
  const error = apiError(
    request,
    endpoint,
    'maxlag',
    `Waiting for ${extra.host}: ${lag} seconds lagged.`,
    extra,
  );
  return {
    status: 200,
    body: error.body,
    headers: {
      ...error.headers,
      'Retry-After': String(retryAfter),
      'X-Database-Lag': String(Math.floor(lag)),
    },
  };
}

/**
 * The reply for a content fault; `draw` is a uniform number that picks the 5xx status. Undefined for
 * the faults that are not a reply (timeout, truncate).
 */
export function faultReply(
  kind: FaultKind,
  request: ApiRequest,
  endpoint: Endpoint,
  retryAfter: number,
  draw: number,
): Reply | undefined {
  switch (kind) {
    case 'error':
      return httpFailure([500, 502, 504][Math.min(2, Math.floor(draw * 3))] as number);
    case 'unavailable':
      return httpFailure(503, { 'Retry-After': String(retryAfter) });
    case 'throttle':
      return httpFailure(429, { 'Retry-After': String(retryAfter) });
    case 'maxlag':
      return maxlagReply(request, endpoint, retryAfter);
    default:
      return undefined;
  }
}

/** Whether the reply tells the client to wait (so a sooner request from it is early). */
export const announcesRetryAfter = (kind: FaultKind) =>
  kind === 'unavailable' || kind === 'throttle' || kind === 'maxlag';
