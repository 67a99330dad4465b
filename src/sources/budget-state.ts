// The request budget as the gate holds it in Redis, read without taking a token: what `factsync status`
// and the review page show — spent this minute and this hour, what is left, when more comes, and why
// requests are waiting (a pause, the server's word, an empty budget, a slowed pace).

import type { Redis } from 'ioredis';
import { type GateKeyName, gateKey } from '../redis-keys.js';
import { type BudgetLimits, MINUTE_SLOTS, minuteLimitAt, paceFactor, reserveAt } from './budget.js';

export type WaitReason = 'paused' | 'server' | 'minute' | 'hour';

export interface BudgetState {
  /** Redis's clock, ms. */
  readonly now: number;
  readonly limits: BudgetLimits;
  /** Requests in the last 60 s and in the last hour, every process together. */
  readonly spentMinute: number;
  readonly spentHour: number;
  /** Requests that may go out now (refreshes included), or undefined when nothing limits them. */
  readonly left?: number;
  /** When the next request's place comes back (ms), when none is left or only the refreshes' share. */
  readonly nextAt?: number;
  /** 1 at full pace; less after a 429. */
  readonly pace: number;
  /** Why requests wait now, until when, in words: undefined when they need not. */
  readonly waiting?: { readonly reason: WaitReason; readonly until: number; readonly detail: string };
}

type Hash = Record<string, string>;

function numberOf(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function sumOf(counts: Hash, from: number): { sum: number; oldest?: number } {
  let sum = 0;
  let oldest: number | undefined;
  for (const [slot, count] of Object.entries(counts)) {
    const index = Number(slot);
    if (index < from) continue;
    sum += Number(count);
    if (oldest === undefined || index < oldest) oldest = index;
  }
  return oldest === undefined ? { sum } : { sum, oldest };
}

export async function readBudget(redis: Redis, prefix: string, limits: BudgetLimits): Promise<BudgetState> {
  const key = (name: GateKeyName) => gateKey(prefix, name);
  const replies =
    (await redis
      .multi()
      .time()
      .hgetall(key('paused'))
      .hgetall(key('hour'))
      .hgetall(key('minute'))
      .hgetall(key('spent'))
      .hgetall(key('pace'))
      .hgetall(key('server'))
      .exec()) ?? [];
  const hash = (index: number) => (replies[index]?.[1] ?? {}) as Hash;
  const [seconds, micros] = (replies[0]?.[1] ?? [0, 0]) as [string, string];
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const [paused, hourBucket, minute, spent, paceState, serverSaid] = [1, 2, 3, 4, 5, 6].map(hash) as [
    Hash,
    Hash,
    Hash,
    Hash,
    Hash,
    Hash,
  ];

  const factor =
    paceState.factor === undefined
      ? 1
      : paceFactor(Number(paceState.factor), now - Number(paceState.ts ?? now));
  const second = Math.floor(now / 1000);
  const inMinute = sumOf(minute, second - MINUTE_SLOTS + 1);
  const inHour = sumOf(spent, Math.floor(now / 60_000) - MINUTE_SLOTS + 1);

  const candidates: Limit[] = [];
  if (limits.perMinute > 0) {
    const left = Math.max(0, minuteLimitAt(limits, factor) - inMinute.sum);
    candidates.push({ reason: 'minute', left, nextAt: ((inMinute.oldest ?? second) + MINUTE_SLOTS) * 1000 });
  }
  if (limits.perHour > 0) {
    const refillPerMs = (limits.hourRefillPerSecond / 1000) * factor;
    const stored = numberOf(hourBucket.tokens) ?? limits.hourCapacity;
    const since = now - (numberOf(hourBucket.ts) ?? now);
    const tokens = Math.min(limits.hourCapacity, stored + since * refillPerMs);
    const nextAt = now + Math.ceil((Math.floor(tokens) + 1 - tokens) / refillPerMs);
    candidates.push({ reason: 'hour', left: Math.floor(tokens), nextAt });
  }
  const tightest = candidates.sort((a, b) => a.left - b.left || b.nextAt - a.nextAt)[0];
  const reserve = tightest?.reason === 'minute' ? reserveAt(limits, factor) : limits.reserve;
  const waiting = waitingOf(now, paused, serverSaid, tightest, reserve, factor);
  return {
    now,
    limits,
    spentMinute: inMinute.sum,
    spentHour: inHour.sum,
    ...(tightest ? { left: tightest.left } : {}),
    ...(tightest && tightest.left <= reserve ? { nextAt: tightest.nextAt } : {}),
    pace: factor,
    ...(waiting ? { waiting } : {}),
  };
}

interface Limit {
  readonly reason: 'minute' | 'hour';
  readonly left: number;
  readonly nextAt: number;
}

const EMPTY: Record<Limit['reason'], string> = {
  minute: "the minute's request budget is spent",
  hour: 'the hourly ceiling is reached',
};

function waitingOf(
  now: number,
  paused: Hash,
  serverSaid: Hash,
  tightest: Limit | undefined,
  reserve: number,
  factor: number,
): BudgetState['waiting'] {
  const pausedUntil = numberOf(paused.until) ?? 0;
  if (pausedUntil > now) {
    return { reason: 'paused', until: pausedUntil, detail: paused.reason ?? 'paused by the server' };
  }
  const serverReset = numberOf(serverSaid.reset) ?? 0;
  if (serverReset > now && (numberOf(serverSaid.remaining) ?? 1) < 1) {
    return { reason: 'server', until: serverReset, detail: 'the server says no requests are left' };
  }
  if (!tightest || tightest.left > reserve) return undefined;
  const slowed = factor < 1 ? ` (slowed to ${Math.round(factor * 100)}% after a 429)` : '';
  // Only refreshes may take the last few: nightly work waits for the next place to come back.
  const detail =
    tightest.left > 0
      ? `nightly work waits: the last ${reserve} are kept for refreshes${slowed}`
      : `${EMPTY[tightest.reason]}${slowed}`;
  return { reason: tightest.reason, until: tightest.nextAt, detail };
}

/** A time as people read it in a status line: `08:01:02 UTC (in 41 s)`. */
export function clockIn(at: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  const wait = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return `${new Date(at).toISOString().slice(11, 19)} UTC (in ${wait})`;
}

/**
 * The budget in a few plain lines (for `status` and the review page, which escape them): spent this
 * minute and hour, what is left and when more comes, the pace, and why requests wait.
 */
export function budgetSummary(state: BudgetState): string[] {
  const { limits, now } = state;
  if (limits.perMinute === 0 && limits.perHour === 0)
    return [`no request budget set: ${state.spentMinute} this minute, ${state.spentHour} this hour`];
  const lines = [
    `spent: ${state.spentMinute} of ${limits.perMinute} this minute, ${state.spentHour} of ${limits.perHour} this hour`,
    state.left === undefined || state.left > 0
      ? `left: ${state.left ?? 'no limit'} now (${limits.reserve} of each minute kept for refreshes)`
      : `left: none now; the next at ${clockIn(state.nextAt ?? now, now)}`,
  ];
  if (state.pace < 1)
    lines.push(`pace: ${Math.round(state.pace * 100)}% after a 429 from the server, recovering gradually`);
  if (state.waiting)
    lines.push(`requests wait: ${state.waiting.detail}, until ${clockIn(state.waiting.until, now)}`);
  return lines;
}
