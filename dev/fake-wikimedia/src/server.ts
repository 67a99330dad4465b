// The HTTP side of the fake Wikimedia: routing, GET and form-POST parameters, latency, fault
// injection, the request log, and the control and stats endpoints. What it answers is built by the
// pure handlers (wikidata.ts, wikipedia.ts, fault-replies.ts, control.ts); this file only routes,
// waits and holds connections.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type ApiRequest, type Endpoint, endpointFor, requestedCounts } from './api.js';
import { runControl } from './control.js';
import type { StreamLog } from './event-stream.js';
import { announcesRetryAfter, faultReply } from './fault-replies.js';
import { chooseFault, type FaultKind, type FaultSpec } from './faults.js';
import { failureReply, HttpError, type Reply, readBody, sendJson } from './http.js';
import { mulberry32, type Random } from './random.js';
import type { StatsRecorder } from './stats.js';
import type { FakeStore } from './store.js';
import { STREAM_PATH, serveStream } from './stream-http.js';
import { handleWikidata } from './wikidata.js';
import { handleWikipedia } from './wikipedia.js';

const WIKIPEDIA_PATH = /^\/wikipedia\/([a-z][a-z0-9-]{0,19})\/w\/api\.php$/;

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly latencyMs: number;
  readonly faults: FaultSpec;
  readonly seed: number;
  readonly store: FakeStore;
  readonly stats: StatsRecorder;
  /** The EventStreams recentchange log (served at /v2/stream/recentchange). */
  readonly stream: StreamLog;
  /** The fake world's clock (timestamps of edits and of the change feed). */
  readonly clock: () => number;
  /** Moves the clock forward; returns the new time. */
  readonly advanceClock: (ms: number) => number;
}

/** The Action API parameters of a request: the query string, overlaid by a form-encoded POST body. */
async function paramsOf(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = new Map(url.searchParams);
  if (req.method === 'POST') {
    const body = await readBody(req);
    if (/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
      for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  }
  return params;
}

export class FakeServer {
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting = new Set<() => void>();
  private readonly random: Random;
  private faults: FaultSpec;
  private closing = false;

  constructor(private readonly config: ServerConfig) {
    this.faults = config.faults;
    this.random = mulberry32(config.seed ^ 0x5eed);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else void sendJson(req, res, failureReply(error)).catch(() => res.destroy());
      });
    });
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  setFaults(spec: FaultSpec): void {
    this.faults = spec;
  }

  get currentFaults(): FaultSpec {
    return this.faults;
  }

  /** Stops listening, releases held sockets (timeouts, latency) and closes every connection. */
  close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.waiting) wake();
    this.waiting.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Waits `ms`, or less if the server closes meanwhile. */
  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.waiting.add(wake);
    });
  }

  /** Holds a request unanswered: its socket is destroyed after `ms`, or when the server closes. */
  private hold(req: IncomingMessage, ms: number): void {
    const socket = req.socket;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      socket.destroy();
    }, ms);
    this.timers.add(timer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    if (path.startsWith('/__')) return this.handleInternal(req, res, url);
    if (path === STREAM_PATH)
      return serveStream(req, res, url, {
        log: this.config.stream,
        faults: () => this.faults,
        random: this.random,
        delay: (ms) => this.delay(ms),
        closing: () => this.closing,
        stats: this.config.stats,
      });

    const { stats } = this.config;
    const userAgent = req.headers['user-agent'];
    const authorization = req.headers.authorization;
    const client = `${req.socket.remoteAddress ?? ''} ${userAgent ?? ''}`;
    const arrived = performance.now();
    const params = await paramsOf(req, url);
    const fingerprint = `${path}?${[...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).join('&')}`;
    const early = stats.checkEarly(client, arrived, fingerprint);
    const site = path === '/w/api.php' ? 'wikidata' : WIKIPEDIA_PATH.exec(path)?.[1];
    const record = (endpoint: Endpoint, status: number, bytes: number, fault?: FaultKind) =>
      stats.record(
        {
          at: new Date().toISOString(),
          method: req.method ?? 'GET',
          path,
          endpoint,
          params: Object.fromEntries(params),
          ...(userAgent === undefined ? {} : { userAgent }),
          ...(authorization === undefined ? {} : { authorization }),
          status,
          bytes,
          ...(fault ? { fault } : {}),
          early,
          client,
        },
        requestedCounts(endpoint, params),
      );
    const send = async (endpoint: Endpoint, reply: Reply, fault?: FaultKind) =>
      record(endpoint, reply.status, await sendJson(req, res, reply, fault === 'truncate'), fault);

    if (!site)
      return send('other', {
        status: 404,
        body: { error: { code: 'notfound', info: `No endpoint at ${path}` } },
      });
    if (req.method !== 'GET' && req.method !== 'POST')
      return send('other', {
        status: 405,
        body: { error: { code: 'badmethod', info: 'Use GET or POST' } },
        headers: { Allow: 'GET, POST' },
      });

    const fv = params.get('formatversion');
    const request: ApiRequest = {
      params,
      fv2: fv === '2' || fv === 'latest',
      site,
      nowMs: this.config.clock(),
    };
    const endpoint = endpointFor(site, params);
    const faults = this.faults;
    const fault = chooseFault(faults, this.random(), params.has('maxlag'));
    if (this.config.latencyMs > 0) await this.delay(this.config.latencyMs);
    if (this.closing) return;
    if (fault) stats.countFault(fault);
    if (fault === 'timeout') {
      this.hold(req, faults.timeoutMs ?? 60_000);
      return record(endpoint, 0, 0, fault);
    }
    const retryAfter = Math.max(0, Math.ceil(faults.retryAfterSeconds ?? 1));
    const failure = fault ? faultReply(fault, request, endpoint, retryAfter, this.random()) : undefined;
    if (fault && failure) {
      if (announcesRetryAfter(fault))
        stats.announceRetryAfter(client, performance.now(), retryAfter, fingerprint);
      return send(endpoint, failure, fault);
    }
    const answer =
      site === 'wikidata'
        ? handleWikidata(request, this.config.store)
        : handleWikipedia(request, this.config.store);
    return send(answer.endpoint, answer, fault);
  }

  private async handleInternal(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { stats } = this.config;
    const reply = (body: unknown, status = 200) => sendJson(req, res, { status, body }).then(() => undefined);
    if (url.pathname === '/__stats' && req.method === 'GET')
      return reply(
        url.searchParams.has('requests')
          ? { ...stats.snapshot(), requestLog: stats.requests() }
          : stats.snapshot(),
      );
    if (url.pathname === '/__stats/reset' && req.method === 'POST') {
      stats.reset();
      return reply({ reset: true });
    }
    const control = /^\/__control\/([A-Za-z]+)$/.exec(url.pathname);
    if (!control?.[1] || req.method !== 'POST')
      return reply(
        { error: { code: 'notfound', info: `No endpoint at ${req.method} ${url.pathname}` } },
        404,
      );
    const text = await readBody(req);
    let args: unknown;
    try {
      args = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `body is not JSON: ${(error as Error).message}`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args))
      throw new HttpError(400, 'body must be a JSON object');
    return reply(
      runControl(control[1], args as Record<string, unknown>, {
        store: this.config.store,
        setFaults: (spec) => this.setFaults(spec),
        advanceClock: this.config.advanceClock,
      }),
    );
  }
}
