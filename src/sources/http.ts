// The one HTTP layer every remote source uses: an undici keep-alive pool, the configured User-Agent,
// gzip, an optional OAuth 2 bearer token, and Wikimedia's etiquette. Only a whole answer is returned:
// HTTP 200 with a JSON object (that the caller's check accepts), read within http.maxBodyBytes and
// http.timeoutMs in all. Throttling (a maxlag error on HTTP 200, 429, 503) waits for Retry-After — for
// every process, through the gate — and is not a failure; other failures retry with exponential backoff
// and full jitter, then throw an HttpError. A host that cannot be reached at all fails fast instead
// (http-reach.ts): probed twice, then recorded for the rest of the run. One try of a request is
// http-attempt.ts's.
//
// One client serves a whole worker process (one pool, one bound on requests in flight, one set of
// stats); each unit of work (a batch job, a run's planning) asks through its own view of it,
// `client.with(hooks)`, which tells that work of every attempt (its request count), fails fast on the
// hosts its run found unreachable, and tells the gate whose requests they are (a refresh's go first).

import { Agent } from 'undici';
import type { Logger } from '../log.js';
import { type AnswerCheck, type Attempt, retryAfterMs } from './http-answer.js';
import { type AttemptSettings, attemptOnce } from './http-attempt.js';
import { HttpError } from './http-errors.js';
import type { RequestClass, RequestGate } from './http-gate.js';
import {
  CONNECT_TIMEOUT_MS,
  confirmedUnreachable,
  knownUnreachable,
  PROBE_TIMEOUT_MS,
  type UnreachableHosts,
} from './http-reach.js';

export interface HttpOptions {
  /** `name/version (contact)`; the client appends `undici/version`. */
  userAgent: string;
  undiciVersion: string;
  /** OAuth 2 bearer token, sent only where `sendTokenTo` says (the configured Wikimedia hosts). */
  token?: string;
  sendTokenTo?: (url: URL) => boolean;
  /** The most one attempt may take in all: connect, headers, the whole body and its decompression. */
  timeoutMs: number;
  /** The largest body accepted, on the wire and once decompressed (http.maxBodyBytes). */
  maxBodyBytes: number;
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

export interface GetJsonOptions {
  /**
   * Checks the answer's envelope (`entities` is an object, `query.pages` is there…): returns what is
   * wrong, or undefined when the answer is whole. A problem makes the attempt a retryable HTTP_BAD_BODY.
   */
  check?: AnswerCheck;
}

export { retryAfterMs };

/** What the sources need of the HTTP layer: a whole JSON answer. A client and each of its views give it. */
export interface JsonClient {
  getJson<T>(url: URL, endpoint: string, options?: GetJsonOptions): Promise<T>;
}

/** What one unit of work (a batch job, a run's planning) hooks into the requests made for it. */
export interface RequestHooks {
  /**
   * Hears of every attempt once it is over, with the bytes received (on the wire): every attempt counts,
   * retries and throttled ones included; a request refused at once for a known unreachable host is none.
   */
  readonly onResponse?: (endpoint: string, bytes: number) => void;
  /** The run's unreachable hosts: a request to one of them fails at once, with the reason recorded. */
  readonly unreachable?: UnreachableHosts;
  /** Whose requests these are, for the gate: a refresh's go first (background when absent). */
  readonly requestClass?: RequestClass;
}

const NO_HOOKS: RequestHooks = {};

/** Waiting out throttling with no Retry-After: 5 s, doubling, at most a minute. */
const THROTTLE_BACKOFF_MS = 5_000;
const THROTTLE_BACKOFF_MAX_MS = 60_000;

export class HttpClient implements JsonClient {
  /** The pool and limits each try uses (http-attempt.ts). */
  private readonly settings: AttemptSettings;
  private readonly userAgent: string;
  private readonly stats = new Map<string, EndpointStats>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: HttpOptions) {
    this.userAgent = `${options.userAgent} undici/${options.undiciVersion}`;
    const agent = new Agent({
      connections: options.concurrency,
      keepAliveTimeout: 30_000,
      // Limits on silence; the deadline in attemptOnce() bounds each attempt in all. Connecting gets
      // less: a host that takes seconds to accept a connection is as good as unreachable.
      connectTimeout: Math.min(options.timeoutMs, CONNECT_TIMEOUT_MS),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const { gate, timeoutMs, maxBodyBytes } = options;
    this.settings = { agent, gate, timeoutMs, maxBodyBytes };
  }

  /** GETs `url` and parses its JSON, through throttling and retries; `endpoint` names it in stats and errors. */
  getJson<T>(url: URL, endpoint: string, options: GetJsonOptions = {}): Promise<T> {
    return this.request<T>(url, endpoint, options, NO_HOOKS);
  }

  /** This client (its pool, slots and stats) as one unit of work uses it: its requests tell `hooks`. */
  with(hooks: RequestHooks): JsonClient {
    return {
      getJson: <T>(url: URL, endpoint: string, options: GetJsonOptions = {}) =>
        this.request<T>(url, endpoint, options, hooks),
    };
  }

  /** Requests, bytes, retries and throttling by endpoint, since this client started. */
  statsByEndpoint(): Record<string, EndpointStats> {
    return Object.fromEntries([...this.stats].map(([name, value]) => [name, { ...value }]));
  }

  async close(): Promise<void> {
    await this.settings.agent.close();
  }

  private async request<T>(
    url: URL,
    endpoint: string,
    options: GetJsonOptions,
    hooks: RequestHooks,
  ): Promise<T> {
    const stats = this.statsOf(endpoint);
    const hosts = hooks.unreachable;
    let [tries, failures, throttles, waited] = [0, 0, 0, 0];
    for (;;) {
      // Before waiting for the gate: a host the run already found unreachable costs no token and no wait.
      const known = await knownUnreachable(url, endpoint, tries, hosts);
      if (known) throw this.failed(stats, known);
      tries++;
      const result = await this.withSlot(hooks.requestClass, async () => {
        const attempt = await this.attempt<T>(url, endpoint, stats, options, hooks);
        if (!('throttled' in attempt)) return attempt;
        // Not a failure: the server asked us to wait. The pause is set before this request's slot is
        // given back, so no request of any process slips out in between.
        stats.throttled++;
        throttles++;
        const waitMs =
          attempt.waitMs ?? Math.min(THROTTLE_BACKOFF_MAX_MS, THROTTLE_BACKOFF_MS * 2 ** (throttles - 1));
        if (waited + waitMs <= this.options.maxWaitMs)
          await this.options.gate.pause(
            waitMs,
            `${attempt.reason}, ${attempt.waitMs === undefined ? 'backing off' : 'Retry-After'}`,
          );
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
      if (result.unreachable) {
        const probeMs = Math.min(this.options.timeoutMs, PROBE_TIMEOUT_MS);
        const gone = await confirmedUnreachable(url, endpoint, tries, result.unreachable, hosts, probeMs);
        if (gone) {
          // Info, not a warning: the run's summary says it once, with what to do.
          this.options.log?.info({ endpoint, host: url.host }, `${gone.reason}; not asked again this run`);
          throw this.failed(stats, gone);
        }
      }
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

  private failed(stats: EndpointStats, error: HttpError): HttpError {
    stats.failures++;
    return error;
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
  private async withSlot<R>(requestClass: RequestClass | undefined, run: () => Promise<R>): Promise<R> {
    while (this.inFlight >= this.options.concurrency)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      const release = await this.options.gate.acquire(requestClass);
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

  /** One try, counted in the stats and told to the work's hooks once it is over. */
  private async attempt<T>(
    url: URL,
    endpoint: string,
    stats: EndpointStats,
    options: GetJsonOptions,
    hooks: RequestHooks,
  ): Promise<Attempt<T>> {
    stats.requests++;
    let bytes = 0;
    const onWireBytes = (received: number) => {
      stats.bytes += received;
      bytes += received;
    };
    try {
      return await attemptOnce<T>(this.settings, url, this.headersFor(url), onWireBytes, options.check);
    } finally {
      hooks.onResponse?.(endpoint, bytes);
    }
  }
}
