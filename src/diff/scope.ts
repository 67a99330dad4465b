// When a statement holds (SPEC §3, "time-scoped statements"): its start time (P580) and end time (P582)
// qualifiers, read at their precision, against the day of the fetch. A statement whose end time has come
// is history; one whose start time is still to come is not a value yet. Pure.

import type { RemoteSnak, RemoteStatement, RemoteValue } from '../model/remote.js';
import type { TimeValue } from '../model/time.js';

export const START_TIME = 'P580';
export const END_TIME = 'P582';

export type Scope =
  | { readonly state: 'current' }
  | { readonly state: 'future' }
  /** `end` is undefined when Wikidata says the end time is an unknown value (`somevalue`). */
  | { readonly state: 'ended'; readonly end?: Extract<RemoteValue, { type: 'time' }> };

/** A day as `year, month, day`; `today` is the fetch's date (ISO). */
export interface Day {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function dayOf(iso: string): Day {
  const date = new Date(iso);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const compareDays = (a: Day, b: Day) => a.year - b.year || a.month - b.month || a.day - b.day;

/**
 * The first day of the period a time names at its precision: `2024` → 2024-01-01, `2024-05` → 2024-05-01;
 * a decade (8) from its first year; coarser ones from the year as written. Undefined when unreadable.
 */
export function periodStart(value: Extract<RemoteValue, { type: 'time' }>): Day | undefined {
  if (value.value) return firstDay(value.value);
  const match = /^([+-])(\d+)/.exec(value.time);
  if (!match) return undefined;
  const year = Number(match[2]) * (match[1] === '-' ? -1 : 1);
  return { year: value.precision === 8 ? Math.floor(year / 10) * 10 : year, month: 1, day: 1 };
}

function firstDay(value: TimeValue): Day {
  return { year: value.year, month: value.month ?? 1, day: value.day ?? 1 };
}

const timeOf = (snak: RemoteSnak) => (snak.value?.type === 'time' ? snak.value : undefined);

/**
 * Whether `statement` holds on `today`. An end time whose period has begun counts as ended (an end of
 * `2026` read in December 2026 has most likely come, and better no proposal than a stale one); an end
 * time of unknown value (`somevalue`) means it ended at a time nobody recorded; `novalue` means it never
 * ends. A start time whose period begins after today is in the future.
 */
export function statementScope(statement: RemoteStatement, day: Day): Scope {
  for (const snak of statement.qualifiers[END_TIME] ?? []) {
    if (snak.snaktype === 'somevalue') return { state: 'ended' };
    const end = timeOf(snak);
    const start = end ? periodStart(end) : undefined;
    if (end && start && compareDays(start, day) <= 0) return { state: 'ended', end };
  }
  for (const snak of statement.qualifiers[START_TIME] ?? []) {
    const begin = timeOf(snak);
    const start = begin ? periodStart(begin) : undefined;
    if (start && compareDays(start, day) > 0) return { state: 'future' };
  }
  return { state: 'current' };
}
