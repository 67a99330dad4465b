// The one HTTP layer every remote source uses: an undici keep-alive pool, the configured User-Agent,
// gzip, timeouts, an optional OAuth 2 bearer token, and Wikimedia's etiquette. Throttling (a maxlag
// error on HTTP 200, 429, 503) waits for Retry-After — for every process, through the gate — and is not
// a failure; other failures retry with exponential backoff and full jitter, then throw an HttpError.

import { AsyncLocalStorage } from 'node:async_hooks';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { Agent, request } from 'undici';
import type { Logger } from '../log.js';
import { HttpError, type HttpErrorCode, transportCode } from './http-errors.js';
import type { RequestGate } from './http-gate.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export interface HttpOptions {
  /** `name/version (contact)`; the client appends `undici/version`. */
  userAgent: string;
  undiciVersion: string;
  /** OAuth 2 bearer token, sent only where `sendTokenTo` says (the configured Wikimedia hosts). */
  token?: string;
  sendTokenTo?: (url: URL) => boolean;
  timeoutMs: number;
  retries: number;
  /** Requests in flight from this process (the gate bounds all processes together). */
  concurrency: number;
  /** Total time one request may spend waiting out throttling before it fails with THROTTLED. */
  maxWaitMs: number;
  gate: RequestGate;
  log?: Logger;
  /** First backoff step; doubles each retry (full jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
}

export interface EndpointStats {
  requests: number;
  bytes: number;
  retries: number;
  throttled: number;
  failures: number;
}

/** Requests and bytes by endpoint, for one unit of work (a batch job): whatever runs inside `requestTally.run`. */
export type Tally = Record<string, { requests: number; bytes: number }>;
export const requestTally = new AsyncLocalStorage<Tally>();

type Failure = {
  ok: false;
  code: HttpErrorCode;
  retryable: boolean;
  detail: string;
  status?: number;
  apiCode?: string;
};
/** One try: a value, a failure, or throttled (with the wait the server asked for, if it said). */
type Attempt<T> = { ok: true; value: T } | Failure | { throttled: true; waitMs?: number; reason: string };

/** Waiting out throttling with no Retry-After: 5 s, doubling, at most a minute. */
const THROTTLE_BACKOFF_MS = 5_000;
const THROTTLE_BACKOFF_MAX_MS = 60_000;

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly userAgent: string;
  private readonly stats = new Map<string, EndpointStats>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: HttpOptions) {
    this.userAgent = `${options.userAgent} undici/${options.undiciVersion}`;
    this.agent = new Agent({
      connections: options.concurrency,
      keepAliveTimeout: 30_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** GETs `url` and parses its JSON, through throttling and retries; `endpoint` names it in stats and errors. */
  async getJson<T>(url: URL, endpoint: string): Promise<T> {
    const stats = this.statsOf(endpoint);
    let [tries, failures, throttles, waited] = [0, 0, 0, 0];
    for (;;) {
      tries++;
      const result = await this.withSlot(async () => {
        const attempt = await this.attempt<T>(url, endpoint, stats);
        if (!('throttled' in attempt)) return attempt;
        // Not a failure: the server asked us to wait. The pause is set before this request's slot is
        // given back, so no request of any process slips out in between.
        stats.throttled++;
        throttles++;
        const waitMs =
          attempt.waitMs ?? Math.min(THROTTLE_BACKOFF_MAX_MS, THROTTLE_BACKOFF_MS * 2 ** (throttles - 1));
        if (waited + waitMs <= this.options.maxWaitMs) await this.options.gate.pause(waitMs);
        return { ...attempt, waitMs };
      });
      if ('throttled' in result) {
        const waitMs = result.waitMs ?? 0;
        if (waited + waitMs > this.options.maxWaitMs) {
          stats.failures++;
          throw new HttpError(
            'THROTTLED',
            endpoint,
            url.href,
            tries,
            `${result.reason}; already waited ${waited} ms`,
          );
        }
        waited += waitMs;
        this.options.log?.info(
          { endpoint, waitMs, reason: result.reason },
          'throttled by the server; waiting',
        );
        continue;
      }
      if (result.ok) return result.value;
      failures++;
      if (!result.retryable || failures > this.options.retries) {
        stats.failures++;
        throw new HttpError(
          result.code,
          endpoint,
          url.href,
          tries,
          result.detail,
          result.status,
          result.apiCode,
        );
      }
      stats.retries++;
      const delay = this.backoff(failures);
      this.options.log?.warn({ endpoint, attempt: tries, code: result.code, delayMs: delay }, result.detail);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Requests, bytes, retries and throttling by endpoint, since this client started. */
  statsByEndpoint(): Record<string, EndpointStats> {
    return Object.fromEntries([...this.stats].map(([name, value]) => [name, { ...value }]));
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private statsOf(endpoint: string): EndpointStats {
    let stats = this.stats.get(endpoint);
    if (!stats) {
      stats = { requests: 0, bytes: 0, retries: 0, throttled: 0, failures: 0 };
      this.stats.set(endpoint, stats);
    }
    return stats;
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const cap = Math.min(this.options.backoffMaxMs ?? 30_000, base * 2 ** (attempt - 1));
    return Math.round(cap * (this.options.random ?? Math.random)());
  }

  /** This process's own bound, then the gate shared with every other process. */
  private async withSlot<R>(run: () => Promise<R>): Promise<R> {
    while (this.inFlight >= this.options.concurrency)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      const release = await this.options.gate.acquire();
      try {
        return await run();
      } finally {
        await release();
      }
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private headersFor(url: URL): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      'accept-encoding': 'gzip, deflate',
      accept: 'application/json',
    };
    if (this.options.token && this.options.sendTokenTo?.(url)) {
      headers.authorization = `Bearer ${this.options.token}`;
    }
    return headers;
  }

  private async attempt<T>(url: URL, endpoint: string, stats: EndpointStats): Promise<Attempt<T>> {
    stats.requests++;
    const tally = requestTally.getStore();
    let tallied: { requests: number; bytes: number } | undefined;
    if (tally) {
      tallied = tally[endpoint] ?? { requests: 0, bytes: 0 };
      tally[endpoint] = tallied;
      tallied.requests++;
    }
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let raw: Buffer;
    try {
      const response = await request(url, {
        method: 'GET',
        headers: this.headersFor(url),
        dispatcher: this.agent,
      });
      status = response.statusCode;
      headers = response.headers;
      raw = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      return { ok: false, code: transportCode(error), retryable: true, detail: (error as Error).message };
    }
    stats.bytes += raw.length;
    if (tallied) tallied.bytes += raw.length;
    if (status === 429 || status === 503) {
      return { throttled: true, waitMs: retryAfterMs(headers['retry-after']), reason: `HTTP ${status}` };
    }
    if (status >= 400) {
      // A 4xx is a request retrying cannot fix; a 5xx may pass.
      return { ok: false, code: 'HTTP_STATUS', retryable: status >= 500, status, detail: `HTTP ${status}` };
    }
    let body: unknown;
    try {
      body = JSON.parse((await decode(raw, headers['content-encoding'])).toString('utf8'));
    } catch (error) {
      const detail = `the body is not JSON (${(error as Error).message})`;
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
    return { ok: true, value: body as T };
  }
}

async function decode(raw: Buffer, encoding: string | string[] | undefined): Promise<Buffer> {
  const value = (Array.isArray(encoding) ? encoding[0] : encoding)?.toLowerCase();
  if (value === 'gzip' || value === 'x-gzip') return gunzipAsync(raw);
  if (value === 'deflate') return inflateAsync(raw);
  return raw;
}
