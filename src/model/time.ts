// Time values with precision. Wikidata stores a date with a precision (9 = year, 10 = month, 11 = day);
// the local store writes the same three forms as ISO strings. Two values are compared at the coarser
// of their precisions, so precision is part of the value, never dropped.

import type { Parsed } from './values.js';

export type TimePrecision = 'year' | 'month' | 'day';

export interface TimeValue {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  readonly precision: TimePrecision;
}

const PRECISION_RANK: Record<TimePrecision, number> = { year: 9, month: 10, day: 11 };

/** Wikidata's numeric precision for ours (9, 10, 11). */
export function wikidataPrecision(precision: TimePrecision): 9 | 10 | 11 {
  return PRECISION_RANK[precision] as 9 | 10 | 11;
}

/** Month names as cards write them. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const MONTHS = MONTH_NAMES.map((name) => name.toLowerCase());

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  const full = MONTHS.indexOf(lower);
  if (full >= 0) return full + 1;
  // Three-letter abbreviations (Feb, Sept is common too).
  const short = MONTHS.findIndex((month) => lower.length >= 3 && month.startsWith(lower));
  return short >= 0 ? short + 1 : undefined;
}

/** Days in a month of the proleptic Gregorian calendar (as Date.UTC counts them), without a Date. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

export type TimeParse = Parsed<TimeValue>;

function build(year: number, month?: number, day?: number): TimeParse {
  if (month !== undefined && (month < 1 || month > 12))
    return { ok: false, reason: `month ${month} out of range` };
  if (month !== undefined && day !== undefined && (day < 1 || day > daysInMonth(year, month))) {
    return { ok: false, reason: `day ${day} does not exist in ${year}-${pad(month, 2)}` };
  }
  if (day !== undefined && month !== undefined)
    return { ok: true, value: { year, month, day, precision: 'day' } };
  if (month !== undefined) return { ok: true, value: { year, month, precision: 'month' } };
  return { ok: true, value: { year, precision: 'year' } };
}

/** The ISO forms of SPEC §4: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a leading `-` for years BCE). */
export function parseIsoTime(text: string): TimeParse {
  const match = /^(-?)(\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!match) return { ok: false, reason: `"${text}" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD` };
  const year = Number(match[2]) * (match[1] ? -1 : 1);
  return build(year, match[3] ? Number(match[3]) : undefined, match[4] ? Number(match[4]) : undefined);
}

const DATE_FORMS: ReadonlyArray<{ pattern: RegExp; read: (m: RegExpExecArray) => TimeParse }> = [
  // 2024-02-15, 2024-02, 2024
  { pattern: /^(\d{4})-(\d{2})-(\d{2})\b/, read: (m) => build(Number(m[1]), Number(m[2]), Number(m[3])) },
  // February 15, 2024 / Feb 15 2024
  {
    pattern: /^([A-Za-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b/,
    read: (m) => named(m[1] ?? '', Number(m[3]), Number(m[2])),
  },
  // 15 February 2024
  {
    pattern: /^(\d{1,2}) ([A-Za-z]+\.?),? (\d{4})\b/,
    read: (m) => named(m[2] ?? '', Number(m[3]), Number(m[1])),
  },
  // February 2024
  { pattern: /^([A-Za-z]+\.?),? (\d{4})\b/, read: (m) => named(m[1] ?? '', Number(m[2])) },
  { pattern: /^(\d{4})-(\d{2})\b/, read: (m) => parseIsoTime(m[0]) },
  { pattern: /^(\d{4})\b(?![-/])/, read: (m) => parseIsoTime(m[0]) },
];

function named(monthName: string, year: number, day?: number): TimeParse {
  const month = monthNumber(monthName);
  if (month === undefined) return { ok: false, reason: `"${monthName}" is not a month name` };
  return build(year, month, day);
}

/** Why the date read as `text` is not one: the same words whichever way it was read. */
const unparseable = (text: string, reason: string) => ({
  ok: false as const,
  reason: `unparseable date "${text}": ${reason}`,
});

export type DatePrefix = { ok: true; value: TimeValue; length: number } | { ok: false; reason: string };

/**
 * A date at the start of `text`, in one of the card forms of SPEC §2: `February 15, 2024`,
 * `15 February 2024`, `2024-02-15`, `February 2024`, `2024`. Returns the value and how many characters
 * it used, or why nothing there is a date.
 */
export function parseDatePrefix(text: string): DatePrefix {
  const trimmed = text.trimStart();
  for (const form of DATE_FORMS) {
    const match = form.pattern.exec(trimmed);
    if (!match) continue;
    const parsed = form.read(match);
    if (!parsed.ok) return unparseable(match[0], parsed.reason);
    return { ...parsed, length: text.length - trimmed.length + match[0].length };
  }
  const shown = trimmed.split(/[.;]/)[0]?.slice(0, 40) ?? '';
  return { ok: false, reason: `unparseable date "${shown}"` };
}

/** A whole `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: what JSONL stores write (SPEC §2). */
const WHOLE_ISO = /^\d{4}(?:-\d{2}(?:-\d{2})?)?$/;

/** A whole string that must be a date in one of the card forms. */
export function parseDate(text: string): TimeParse {
  // The ISO forms first, as DATE_FORMS would read them: every record's dates are read each night, and
  // a `YYYY` or `YYYY-MM` went through four patterns for names before its own.
  if (WHOLE_ISO.test(text)) {
    const iso = parseIsoTime(text);
    return iso.ok ? iso : unparseable(text, iso.reason);
  }
  const parsed = parseDatePrefix(text);
  if (!parsed.ok) return parsed;
  if (parsed.length !== text.length) {
    const rest = text.slice(parsed.length).trim();
    if (rest !== '') return { ok: false, reason: `unparseable date "${text}": unexpected "${rest}"` };
  }
  return { ok: true, value: parsed.value };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `2024-02-15`, `2024-02` or `2024`, per the value's precision. */
export function formatTime(value: TimeValue): string {
  const sign = value.year < 0 ? '-' : '';
  const year = `${sign}${pad(Math.abs(value.year), 4)}`;
  if (value.precision === 'year') return year;
  if (value.precision === 'month') return `${year}-${pad(value.month ?? 1, 2)}`;
  return `${year}-${pad(value.month ?? 1, 2)}-${pad(value.day ?? 1, 2)}`;
}

export function isTimeValue(value: unknown): value is TimeValue {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TimeValue>;
  return typeof candidate.year === 'number' && typeof candidate.precision === 'string';
}

/** Compares two times at the coarser precision: equal when they agree as far as both go. */
export function sameAtCoarserPrecision(a: TimeValue, b: TimeValue): boolean {
  if (a.year !== b.year) return false;
  const coarser = Math.min(PRECISION_RANK[a.precision], PRECISION_RANK[b.precision]);
  if (coarser >= PRECISION_RANK.month && a.month !== b.month) return false;
  if (coarser >= PRECISION_RANK.day && a.day !== b.day) return false;
  return true;
}

/** Positive when `a` is more precise than `b`. */
export function comparePrecision(a: TimeValue, b: TimeValue): number {
  return PRECISION_RANK[a.precision] - PRECISION_RANK[b.precision];
}
