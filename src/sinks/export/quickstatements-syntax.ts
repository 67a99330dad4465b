// How QuickStatements V1 commands write values: strings, times with precision and calendar, site ids
// and references. Pure; quickstatements.ts decides which proposals become which commands.
//
// Syntax (Help:QuickStatements, https://www.wikidata.org/wiki/Help:QuickStatements, "Command sequence
// syntax": "Different parts of the statement are separated by a TAB or '|' characters. Each command is
// in a new line, or separated by '||'"), checked against the parsers that run it, because the help page
// says nothing about escaping (excerpts kept in test/fixtures/quickstatements/, with their commits):
// - QuickStatements 2, magnusmanske/quickstatements public_html/quickstatements.php, importDataFromV1 /
//   parseValueV1: rows split on "\n" and trimmed, columns on "\t" ("|" becomes a TAB only when the
//   batch has no TAB at all); a string is `/^"(.*)"$/`, greedy, then trimmed — so quotes inside a string
//   need no escaping and there is no escape syntax at all; a time is
//   `/^([+-]?)(\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z\/?(\d*)$/` with precision 9 (year!) when the
//   suffix is missing, so the suffix is always written; `Len`/`Den`/`Senwiki` take a quoted string;
//   after the value, pairs `S<n>`/`P<n>` + value are references/qualifiers, and consecutive `S` pairs
//   make ONE reference (its "sources" list), so `S854 "url" S813 +date/11` is one reference block.
// - Its bot, magnusmanske/quickstatements_rs src/qs_parser.rs: replaces "||" by a TAB whenever the line
//   has a TAB, strips `/* … */` anywhere in the line as an edit-summary comment
//   (`^(.*)/\*\s*(.*?)\s*\*/(.*)$`), reads a trailing `/J` on a time as the Julian calendar (Q1985786),
//   Gregorian (Q1985727) otherwise; `(!?[PS])(\d+)` keys → qualifiers and references.
// - QuickStatements 3, WikiMovimentoBrasil/quickstatements3 quickstatements/apps/core/parsers/v1.py and
//   base.py: replaces EVERY "|" with a TAB and "||" with a line break, rewrites “ ” to ", reads
//   `"""…"""` as an external id, an empty label/description string as "remove it", and a time as
//   `…Z\/{0,1}(\d*)(\/J){0,1}$` — Julian with `/J`, Gregorian without.
// Hence a value with a TAB, a line break, "|", a curly double quote, `/*` or `*/`, or `""…""` around it
// cannot be written faithfully: it is skipped with that reason, never silently altered. The PHP importer
// above (at the commits read) knows no `/J`: a Julian time there is a "Unknown V1 value format" error
// the user sees, never a Gregorian date written in its place.

import { formatTime, parseIsoTime, type TimeValue, wikidataPrecision } from '../../model/time.js';
import { parseWebUrl } from '../../model/values.js';

export interface QuickStatementsReference {
  /** A published source stating the record's facts: written as `S854` (reference URL). */
  readonly url: string;
  /** When it was read, ISO date or date-time: written as `S813` (retrieved), day precision. */
  readonly retrieved?: string;
}

export type Rendered = { ok: true; value: string } | { ok: false; reason: string };

const UNWRITABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\t\r\n]/, 'a tab or line break (QuickStatements splits columns on tabs and commands on line breaks)'],
  [/\|/, 'a "|" (QuickStatements 3 reads every "|" as a column separator)'],
  [/[“”]/, 'a curly double quote (QuickStatements 3 rewrites “ and ” to straight quotes)'],
  [/^"".*""$/s, 'two double quotes at both ends (QuickStatements 3 reads """…""" as an external id)'],
  [/\/\*|\*\//, 'a "/*" or "*/" (QuickStatements\' bot strips /* … */ from a command as a comment)'],
];

/** A string value in double quotes. Inner `"` need no escaping: the parsers match `^"(.*)"$` greedily. */
export function quickStatementsString(text: string): Rendered {
  if (text.trim() === '')
    return { ok: false, reason: 'an empty string (QuickStatements 3 reads it as "remove")' };
  for (const [pattern, what] of UNWRITABLE) {
    if (pattern.test(text)) return { ok: false, reason: `${JSON.stringify(text)} contains ${what}` };
  }
  return { ok: true, value: `"${text}"` };
}

export type Calendar = 'gregorian' | 'julian';

/**
 * A time as QuickStatements takes it: `+2024-02-15T00:00:00Z/11`, `+2024-02-00T00:00:00Z/10`,
 * `+2024-00-00T00:00:00Z/9` — the units below the precision are zero, as Wikibase stores them — with
 * `/J` after the precision for the Julian calendar (Gregorian is what every parser takes without it).
 */
export function quickStatementsTime(time: TimeValue, calendar: Calendar = 'gregorian'): string {
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  const sign = time.year < 0 ? '-' : '+';
  const year = String(Math.abs(time.year)).padStart(4, '0');
  const month = time.precision === 'year' ? '00' : two(time.month);
  const day = time.precision === 'day' ? two(time.day) : '00';
  const suffix = calendar === 'julian' ? '/J' : '';
  return `${sign}${year}-${month}-${day}T00:00:00Z/${wikidataPrecision(time.precision)}${suffix}`;
}

/** The last year Wikibase's own parsers read as Julian (ShowCalendarModelDecider: "1582 and before"). */
const LAST_JULIAN_YEAR = 1582;

/**
 * The calendar of a record's date, which records never state. From 1583 on it is the Gregorian one
 * every card and feed uses. Up to 1582 Wikibase takes a date as Julian (Wikibase
 * lib/includes/Formatters/ShowCalendarModelDecider.php getDefaultCalendar, "same heuristic as
 * IsoTimestampParser"; maxlath/wikibase-edit src/lib/claim/parse_calendar.ts the same): a year is the
 * same year in both calendars, so it is written as Julian like Wikibase would; a month or a day is
 * not, and which one the record meant is unknown — refused rather than guessed.
 */
export function recordCalendar(time: TimeValue): { calendar: Calendar } | { reason: string } {
  if (time.year > LAST_JULIAN_YEAR) return { calendar: 'gregorian' };
  if (time.precision === 'year') return { calendar: 'julian' };
  return {
    reason: `${formatTime(time)} is before 1583, where the calendar matters and the record does not say whether it is Julian or Gregorian; add it on Wikidata with its calendar`,
  };
}

/** A record's date as a QuickStatements time, in the calendar recordCalendar gives, or why not. */
export function recordTime(time: TimeValue): Rendered {
  const calendar = recordCalendar(time);
  return 'reason' in calendar
    ? { ok: false, reason: calendar.reason }
    : { ok: true, value: quickStatementsTime(time, calendar.calendar) };
}

/** The Wikidata site id of a Wikipedia language edition: `enwiki`, `zh_yuewiki`, `be_x_oldwiki`. */
export function wikipediaSiteId(lang: string): string {
  const special: Record<string, string> = { 'be-tarask': 'be_x_old' };
  return `${special[lang] ?? lang.replace(/-/g, '_')}wiki`;
}

/** ` S854 "url" S813 +date/11`, or why the reference cannot be written. */
export function referenceColumns(
  reference: QuickStatementsReference,
): { columns: string[] } | { reason: string } {
  if (!parseWebUrl(reference.url).ok)
    return { reason: `reference URL ${JSON.stringify(reference.url)} is not an http(s) URL` };
  const url = quickStatementsString(reference.url);
  if (!url.ok) return { reason: `reference URL: ${url.reason}` };
  const columns = ['S854', url.value];
  if (reference.retrieved !== undefined) {
    const day = parseIsoTime(reference.retrieved.slice(0, 10));
    if (!day.ok)
      return { reason: `reference retrieved date ${JSON.stringify(reference.retrieved)}: ${day.reason}` };
    columns.push('S813', quickStatementsTime(day.value));
  }
  return { columns };
}
