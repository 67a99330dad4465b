// The request budget as plain arithmetic, shared by the gate's Redis script (which enforces it) and by
// `status` (which shows it). Two limits hold together:
//
// - per minute (http.budgetPerMinute), as Wikimedia has measured since April 2026: at most that many
//   requests in any window of 60 s, all of them at once if need be — so a refresh or a small sync spends
//   its few requests without waiting;
// - per hour (http.budgetPerHour), a ceiling: a token bucket holding at most one minute's worth, refilled
//   at (perHour − capacity) an hour, so that in any window of t seconds at most
//   capacity + (perHour − capacity) × t / 3600 requests go out — never more than perHour in any hour —
//   and a long night is paced evenly instead of in bursts.
//
// Nightly work may not take the last `reserve` requests of either limit: they are kept for refreshes.

export interface BudgetLimits {
  /** Requests in any 60 s window; 0: no limit. */
  readonly perMinute: number;
  /** The hourly ceiling; 0: no limit. */
  readonly perHour: number;
  /** Tokens the hour bucket holds at most. */
  readonly hourCapacity: number;
  readonly hourRefillPerSecond: number;
  /** Requests of each limit that only a refresh may take. */
  readonly reserve: number;
}

export const NO_LIMITS: BudgetLimits = {
  perMinute: 0,
  perHour: 0,
  hourCapacity: 0,
  hourRefillPerSecond: 0,
  reserve: 0,
};

/** A fifth of the minute's requests is kept for refreshes: nightly work keeps the other four fifths. */
const RESERVED_SHARE = 0.2;

/** The two limits from the configured figures (http.budgetPerMinute, http.budgetPerHour). */
export function budgetLimits(perMinute: number, perHour: number): BudgetLimits {
  const hourCapacity = Math.max(1, Math.min(perMinute, perHour - 1));
  return {
    perMinute,
    perHour,
    hourCapacity,
    hourRefillPerSecond: Math.max(perHour - hourCapacity, 1) / 3600,
    reserve: Math.min(Math.floor(perMinute * RESERVED_SHARE), hourCapacity - 1),
  };
}

/** The gate counts the minute in one-second slots: a request counts until 61 slots have passed. */
export const MINUTE_SLOTS = 61;
export const SLOT_MS = 1_000;

/** After a 429 the pace halves, down to a sixteenth; it doubles back every RECOVERY_MS without one. */
export const SLOWEST_FACTOR = 1 / 16;
export const RECOVERY_MS = 5 * 60_000;

/** How much of the pace holds `sinceMs` after a 429 set it to `factor`: back to whole, gradually. */
export function paceFactor(factor: number, sinceMs: number): number {
  return Math.min(1, factor * 2 ** (Math.max(0, sinceMs) / RECOVERY_MS));
}

/** The pace after another 429: half of what holds now, never below SLOWEST_FACTOR. */
export function slowedFactor(current: number): number {
  return Math.max(SLOWEST_FACTOR, current / 2);
}

/** Of the minute's limit at a pace factor, the requests kept for refreshes: the same share of less. */
export function reserveAt(limits: BudgetLimits, factor: number): number {
  return Math.floor(limits.reserve * factor);
}

/** The minute's limit at a pace factor: at least one request a minute always goes. */
export function minuteLimitAt(limits: BudgetLimits, factor: number): number {
  return Math.max(1, Math.floor(limits.perMinute * factor));
}
