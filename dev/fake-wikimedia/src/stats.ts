// What the fake served: counters by endpoint, status and fault, the ids and titles asked for, the
// last requests (with their User-Agent and Authorization, so tests can check a client's manners),
// and requests that came back before a Retry-After the fake itself had announced.

import type { Endpoint } from './api.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';

export interface Counter {
  requests: number;
  bytes: number;
}

export interface Stats {
  requests: number;
  bytes: number;
  byEndpoint: Record<Endpoint, Counter>;
  byStatus: Record<string, number>;
  faults: Record<FaultKind, number>;
  /** Requests that arrived before the Retry-After the fake announced to the same client had passed. */
  earlyRequests: number;
  idsRequested: number;
  titlesRequested: number;
  /** The EventStreams stream (no API request, so not in `requests`): connections served, events and bytes sent. */
  stream: { connections: number; events: number; bytes: number };
}

export interface RequestRecord {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly endpoint: Endpoint;
  readonly params: Readonly<Record<string, string>>;
  readonly userAgent?: string;
  readonly authorization?: string;
  /** 0 when the fake never answered (a timeout fault). */
  readonly status: number;
  readonly bytes: number;
  readonly fault?: FaultKind;
  readonly early: boolean;
  readonly client: string;
}

const ENDPOINTS: readonly Endpoint[] = [
  'wbgetentities',
  'query-info-wikidata',
  'query-revisions',
  'recentchanges',
  'query-pages-wikipedia',
  'recentchanges-wikipedia',
  'other',
];

function emptyStats(): Stats {
  return {
    requests: 0,
    bytes: 0,
    byEndpoint: Object.fromEntries(ENDPOINTS.map((e) => [e, { requests: 0, bytes: 0 }])) as Record<
      Endpoint,
      Counter
    >,
    byStatus: {},
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    earlyRequests: 0,
    idsRequested: 0,
    titlesRequested: 0,
    stream: { connections: 0, events: 0, bytes: 0 },
  };
}

export class StatsRecorder {
  private stats = emptyStats();
  private log: RequestRecord[] = [];
  /** Per client: until when it was told to wait, since when, and the requests that were told. */
  private readonly waits = new Map<string, { until: number; since: number; told: Set<string> }>();

  constructor(
    private readonly logSize = 1000,
    /** Slack for timer and clock granularity, in milliseconds. */
    private readonly toleranceMs = 25,
    /**
     * How long after a Retry-After other requests may still arrive without counting as early: they
     * were already on their way (concurrent workers) before the client could have read it.
     */
    private readonly inFlightMs = 200,
  ) {}

  /**
   * Whether a request from `client` arriving at `nowMs` is early, and counts it if so: it comes
   * before the announced Retry-After has passed, and it either repeats a request that was told to
   * wait (`fingerprint`) or was sent after the client had time to read the Retry-After.
   */
  checkEarly(client: string, nowMs: number, fingerprint: string): boolean {
    const wait = this.waits.get(client);
    if (wait === undefined) return false;
    if (nowMs >= wait.until - this.toleranceMs) {
      this.waits.delete(client);
      return false;
    }
    if (!wait.told.has(fingerprint) && nowMs - wait.since < this.inFlightMs) return false;
    this.stats.earlyRequests++;
    return true;
  }

  /** Records that `client` was told, in reply to the request `fingerprint`, to wait `seconds`. */
  announceRetryAfter(client: string, nowMs: number, seconds: number, fingerprint: string): void {
    const wait = this.waits.get(client);
    const until = nowMs + seconds * 1000;
    if (wait && wait.until > nowMs) {
      wait.until = Math.max(wait.until, until);
      wait.since = nowMs;
      wait.told.add(fingerprint);
    } else {
      this.waits.set(client, { until, since: nowMs, told: new Set([fingerprint]) });
    }
  }

  /** A stream connection was answered with 200 (refused ones are not counted). */
  countStreamConnection(): void {
    this.stats.stream.connections++;
  }

  /** An event was written to a stream connection. */
  countStreamEvent(bytes: number): void {
    this.stats.stream.events++;
    this.stats.stream.bytes += bytes;
  }

  countFault(kind: FaultKind): void {
    this.stats.faults[kind]++;
  }

  record(entry: RequestRecord, counts: { ids?: number; titles?: number } = {}): void {
    const s = this.stats;
    s.requests++;
    s.bytes += entry.bytes;
    s.byEndpoint[entry.endpoint].requests++;
    s.byEndpoint[entry.endpoint].bytes += entry.bytes;
    const status = entry.status === 0 ? 'none' : String(entry.status);
    s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
    s.idsRequested += counts.ids ?? 0;
    s.titlesRequested += counts.titles ?? 0;
    this.log.push(entry);
    if (this.log.length > this.logSize) this.log.splice(0, this.log.length - this.logSize);
  }

  snapshot(): Stats {
    return structuredClone(this.stats);
  }

  requests(): RequestRecord[] {
    return [...this.log];
  }

  reset(): void {
    this.stats = emptyStats();
    this.log = [];
  }
}
