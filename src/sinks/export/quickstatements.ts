// `factsync export --format quickstatements`: proposals that are Wikidata edits, as QuickStatements
// "V1" commands — one command a line, columns separated by a TAB.
//
// Syntax (Help:QuickStatements, https://www.wikidata.org/wiki/Help:QuickStatements, "Command sequence
// syntax": "Different parts of the statement are separated by a TAB or '|' characters. Each command is
// in a new line, or separated by '||'"), checked against the parsers that run it, because the help page
// says nothing about escaping:
// - QuickStatements 2, magnusmanske/quickstatements public_html/quickstatements.php, importDataFromV1 /
//   parseValueV1: rows split on "\n" and trimmed, columns on "\t" ("|" becomes a TAB only when the
//   batch has no TAB at all); a string is `/^"(.*)"$/`, greedy, then trimmed — so quotes inside a string
//   need no escaping and there is no escape syntax at all; a time is
//   `/^([+-]?)(\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z\/?(\d*)$/` with precision 9 (year!) when the
//   suffix is missing, so the suffix is always written; `Len`/`Den`/`Senwiki` take a quoted string.
// - QuickStatements 3, WikiMovimentoBrasil/quickstatements3 quickstatements/apps/core/parsers/v1.py and
//   base.py: replaces EVERY "|" with a TAB and "||" with a line break, rewrites “ ” to ", reads
//   `"""…"""` as an external id, and an empty label/description string as "remove it".
// Hence a value with a TAB, a line break, "|", a curly double quote, or `""…""` around it cannot be
// written faithfully: it is skipped with that reason, never silently altered.
//
// Which proposals: only `upstream` — the record states something Wikidata lacks. Every other kind is
// either a change for the local record (`add`, `update`, `redirect`, `missing`, `moved`) or needs a
// person to decide (`conflict`, `local-conflict`, `mismatch`); see KIND_REASONS.

import type { FieldSpec } from '../../model/fields.js';
import { isItemId, type PropertyId } from '../../model/ids.js';
import type { Proposal, ProposalKind, ProposalValue } from '../../model/proposal.js';
import { parseIsoTime, type TimeValue, wikidataPrecision } from '../../model/time.js';
import { parseWebUrl } from '../../model/values.js';
import type { ExportOutput } from './jsonl.js';
import {
  describeValue,
  fieldOf,
  isPageValue,
  itemIdOf,
  localValuesMissingRemotely,
  type SkippedProposal,
  settledReason,
  timeOf,
} from './values.js';

export interface QuickStatementsReference {
  /** A published source stating the record's facts: written as `S854` (reference URL). */
  readonly url: string;
  /** When it was read, ISO date or date-time: written as `S813` (retrieved), day precision. */
  readonly retrieved?: string;
}

export interface QuickStatementsOptions {
  /** The language of the record's label and description (`Len`, `Den`): the first configured one. */
  readonly language?: string;
  /**
   * A reference for statements, when the caller knows a real source for the record. factsync itself
   * knows none: an upstream proposal's evidence is the Wikidata item, which must not cite itself, and a
   * `retrieved` date alone says nothing. So by default statements go out without references, and the
   * reviewer adds them in QuickStatements or on Wikidata.
   */
  readonly reference?: (proposal: Proposal) => QuickStatementsReference | undefined;
}

export type QuickStatementsResult =
  | {
      readonly lines: readonly string[];
      /** Values of a many-valued proposal (or its reference) that could not be written, and why. */
      readonly omitted?: readonly string[];
    }
  | { readonly skipped: string };

const FOR_THE_RECORD = 'a change for the local record (factsync apply), not a Wikidata edit';

export const KIND_REASONS: Readonly<Record<Exclude<ProposalKind, 'upstream'>, string>> = {
  add: `Wikidata has a value the record lacks: ${FOR_THE_RECORD}`,
  update: `Wikidata's value differs and the record is the side to change: ${FOR_THE_RECORD}; to report the difference to Wikidata, export it for Mismatch Finder`,
  ended: `Wikidata says the record's value has ended (an end time): ${FOR_THE_RECORD}`,
  conflict:
    'Wikidata is ambiguous here (several best-rank values, or "no value"): a person decides on Wikidata',
  'local-conflict': 'the record contradicts itself: fix the record first',
  redirect: `the record's QID was merged into another item: ${FOR_THE_RECORD}`,
  missing: `the QID or the Wikipedia page does not exist: ${FOR_THE_RECORD}`,
  moved: `the Wikipedia page was moved: ${FOR_THE_RECORD}`,
  mismatch: "the Wikipedia page's own item is another item: a person decides which link is wrong",
};

type Rendered = { ok: true; value: string } | { ok: false; reason: string };

const UNWRITABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\t\r\n]/, 'a tab or line break (QuickStatements splits columns on tabs and commands on line breaks)'],
  [/\|/, 'a "|" (QuickStatements 3 reads every "|" as a column separator)'],
  [/[“”]/, 'a curly double quote (QuickStatements 3 rewrites “ and ” to straight quotes)'],
  [/^"".*""$/s, 'two double quotes at both ends (QuickStatements 3 reads """…""" as an external id)'],
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

/**
 * A time as QuickStatements takes it: `+2024-02-15T00:00:00Z/11`, `+2024-02-00T00:00:00Z/10`,
 * `+2024-00-00T00:00:00Z/9` — the units below the precision are zero, as Wikibase stores them.
 */
export function quickStatementsTime(time: TimeValue): string {
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  const sign = time.year < 0 ? '-' : '+';
  const year = String(Math.abs(time.year)).padStart(4, '0');
  const month = time.precision === 'year' ? '00' : two(time.month);
  const day = time.precision === 'day' ? two(time.day) : '00';
  return `${sign}${year}-${month}-${day}T00:00:00Z/${wikidataPrecision(time.precision)}`;
}

/** The Wikidata site id of a Wikipedia language edition: `enwiki`, `zh_yuewiki`, `be_x_oldwiki`. */
export function wikipediaSiteId(lang: string): string {
  const special: Record<string, string> = { 'be-tarask': 'be_x_old' };
  return `${special[lang] ?? lang.replace(/-/g, '_')}wiki`;
}

function renderValue(field: FieldSpec, value: ProposalValue): Rendered {
  switch (field.type) {
    case 'item': {
      const id = itemIdOf(value);
      return id
        ? { ok: true, value: id }
        : { ok: false, reason: `${describeValue(value)} has no QID; QuickStatements needs the item's id` };
    }
    case 'time': {
      const time = timeOf(value);
      return time
        ? { ok: true, value: quickStatementsTime(time) }
        : {
            ok: false,
            reason: `${describeValue(value)} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD`,
          };
    }
    case 'url':
      // Wikibase takes a URL value as a string datavalue; the help page writes URLs as quoted strings.
      if (typeof value !== 'string' || !parseWebUrl(value).ok)
        return { ok: false, reason: `${describeValue(value)} is not an http(s) URL` };
      return quickStatementsString(value);
    case 'text':
      return typeof value === 'string'
        ? quickStatementsString(value)
        : { ok: false, reason: `${describeValue(value)} is not text` };
    case 'page':
      return { ok: false, reason: 'a page is a sitelink, not a statement value' };
  }
}

/** ` S854 "url" S813 +date/11`, or why the reference cannot be written. */
function referenceColumns(reference: QuickStatementsReference): { columns: string[] } | { reason: string } {
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

function statementLines(
  proposal: Proposal,
  field: FieldSpec,
  property: PropertyId,
  options: QuickStatementsOptions,
): QuickStatementsResult {
  const local = proposal.local as ProposalValue;
  let values: ProposalValue[];
  if (field.many) {
    values = localValuesMissingRemotely(field, local, proposal.remote);
    if (values.length === 0) return { skipped: 'every local value is already on Wikidata' };
  } else {
    if (proposal.remote !== null) {
      // The record refines Wikidata's value (a more precise date). Adding it would leave two statements;
      // replacing the old one by value (`-Q…`) would drop its references. A person edits it on Wikidata.
      return {
        skipped: `refines the existing value ${describeValue(proposal.remote)}: QuickStatements can only add a second statement or delete the old one with its references; edit the statement on Wikidata`,
      };
    }
    if (Array.isArray(local)) return { skipped: 'a list of values for a single-valued field' };
    values = [local];
  }
  const omitted: string[] = [];
  const reference = options.reference?.(proposal);
  let suffix: string[] = [];
  if (reference) {
    const columns = referenceColumns(reference);
    if ('reason' in columns) omitted.push(`reference left out: ${columns.reason}`);
    else suffix = columns.columns;
  }
  const lines: string[] = [];
  for (const value of values) {
    const rendered = renderValue(field, value);
    if (rendered.ok) lines.push([proposal.qid, property, rendered.value, ...suffix].join('\t'));
    else omitted.push(rendered.reason);
  }
  if (lines.length === 0) return { skipped: omitted.join('; ') };
  return omitted.length > 0 ? { lines, omitted } : { lines };
}

/**
 * The QuickStatements commands of one proposal, or why it has none. Pure: `fields` is the configured
 * field list (SPEC §3), which says each field's type and property.
 */
export function toQuickStatements(
  proposal: Proposal,
  fields: readonly FieldSpec[],
  options: QuickStatementsOptions = {},
): QuickStatementsResult {
  const settled = settledReason(proposal);
  if (settled) return { skipped: settled };
  if (proposal.kind !== 'upstream') return { skipped: KIND_REASONS[proposal.kind] };
  if (!isItemId(proposal.qid)) return { skipped: `"${proposal.qid}" is not a QID` };
  const field = fieldOf(proposal, fields);
  if (!field) return { skipped: `field "${proposal.field}" is not in the configuration` };
  const local = proposal.local;
  if (local === null) return { skipped: 'no local value' };

  if (field.source === 'label' || field.source === 'description') {
    const language = options.language ?? 'en';
    if (!/^[a-z]+(?:-[a-z]+)*$/.test(language)) return { skipped: `"${language}" is not a language code` };
    if (typeof local !== 'string') return { skipped: `${describeValue(local)} is not text` };
    const text = quickStatementsString(local);
    if (!text.ok) return { skipped: text.reason };
    const code = field.source === 'label' ? 'L' : 'D';
    return { lines: [[proposal.qid, `${code}${language}`, text.value].join('\t')] };
  }
  if (field.source === 'sitelink') {
    if (!isPageValue(local)) return { skipped: `${describeValue(local)} is not a Wikipedia page` };
    if (!/^[a-z]+(?:-[a-z]+)*$/.test(local.lang))
      return { skipped: `"${local.lang}" is not a language code` };
    const title = quickStatementsString(local.title);
    if (!title.ok) return { skipped: title.reason };
    return { lines: [[proposal.qid, `S${wikipediaSiteId(local.lang)}`, title.value].join('\t')] };
  }
  const property = proposal.property ?? field.property;
  if (!property) return { skipped: `field "${field.name}" has no Wikidata property` };
  return statementLines(proposal, field, property, options);
}

export interface QuickStatementsReport {
  /** Proposals that gave at least one command. */
  readonly exported: number;
  readonly lines: number;
  readonly skipped: readonly SkippedProposal[];
  /** Exported proposals that left a value (or their reference) out. */
  readonly incomplete: readonly SkippedProposal[];
}

/** Streams the commands of every proposal given, one command a line; reports what it left out. */
export async function writeQuickStatements(
  proposals: AsyncIterable<Proposal>,
  fields: readonly FieldSpec[],
  out: ExportOutput,
  options: QuickStatementsOptions = {},
): Promise<QuickStatementsReport> {
  let exported = 0;
  let lines = 0;
  const skipped: SkippedProposal[] = [];
  const incomplete: SkippedProposal[] = [];
  for await (const proposal of proposals) {
    const result = toQuickStatements(proposal, fields, options);
    if ('skipped' in result) {
      skipped.push({ id: proposal.id, reason: result.skipped });
      continue;
    }
    await out(result.lines.map((line) => `${line}\n`).join(''));
    exported += 1;
    lines += result.lines.length;
    for (const reason of result.omitted ?? []) incomplete.push({ id: proposal.id, reason });
  }
  return { exported, lines, skipped, incomplete };
}
