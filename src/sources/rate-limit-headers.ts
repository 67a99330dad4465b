// What a server's response headers say of our allowance, as plain data: how many requests remain and
// when more come. Three forms are read, the most precise first:
//
// - `RateLimit: "default";r=50;t=30` (IETF draft-ietf-httpapi-ratelimit-headers-10, §4: r = remaining
//   quota units, t = seconds until more are made available); several items → the most restrictive;
// - `RateLimit-Remaining: 50` with `RateLimit-Reset: 30` (the same draft up to -06, §3: the reset in
//   delay-seconds);
// - `X-RateLimit-Remaining` with `X-RateLimit-Reset` (no standard: GitHub-style APIs send the reset as
//   UTC epoch seconds, others as seconds to wait; a value past 10^9 can only be the former).
//
// Wikimedia documents 429 with Retry-After (mediawiki.org, "Wikimedia APIs/Rate limits", 2026) and no
// RateLimit field yet; these are read so that the gate learns the allowance from any server (or proxy)
// that states it. A header that cannot be read is ignored, never guessed.

import type { Headers } from './http-answer.js';

export interface ServerAllowance {
  /** Requests the server says remain. */
  readonly remaining: number;
  /** Milliseconds until more are made available (unknown: undefined). */
  readonly resetMs?: number;
}

const EPOCH_SECONDS_FROM = 1_000_000_000;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function nonNegativeInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text.trim());
}

/** The draft's structured `RateLimit` field: the item with the fewest remaining (and its reset). */
function fromRateLimitField(field: string): ServerAllowance | undefined {
  let tightest: ServerAllowance | undefined;
  for (const item of field.split(',')) {
    const params = new Map<string, string>();
    for (const part of item.split(';').slice(1)) {
      const [name, value] = part.split('=', 2);
      if (name && value !== undefined) params.set(name.trim(), value.trim());
    }
    const remaining = nonNegativeInteger(params.get('r'));
    if (remaining === undefined) continue;
    const reset = nonNegativeInteger(params.get('t'));
    if (tightest === undefined || remaining < tightest.remaining)
      tightest = { remaining, ...(reset === undefined ? {} : { resetMs: reset * 1000 }) };
  }
  return tightest;
}

/** Seconds to wait, or a UTC epoch time in seconds (X-RateLimit-Reset), as milliseconds from `now`. */
function resetFrom(text: string | undefined, now: number, epochAllowed: boolean): number | undefined {
  const value = nonNegativeInteger(text);
  if (value === undefined) return undefined;
  if (epochAllowed && value >= EPOCH_SECONDS_FROM) return Math.max(0, value * 1000 - now);
  return value * 1000;
}

/** The allowance the headers state, or undefined when they state none. */
export function serverAllowance(headers: Headers, now = Date.now()): ServerAllowance | undefined {
  const field = first(headers.ratelimit);
  const structured = field === undefined ? undefined : fromRateLimitField(field);
  if (structured) return structured;
  for (const [prefix, epochAllowed] of [
    ['ratelimit-', false],
    ['x-ratelimit-', true],
  ] as const) {
    const remaining = nonNegativeInteger(first(headers[`${prefix}remaining`]));
    if (remaining === undefined) continue;
    const resetMs = resetFrom(first(headers[`${prefix}reset`]), now, epochAllowed);
    return { remaining, ...(resetMs === undefined ? {} : { resetMs }) };
  }
  return undefined;
}
