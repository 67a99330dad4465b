// `factsync export --format quickstatements`: proposals that are Wikidata edits, as QuickStatements
// "V1" commands — one command a line, columns separated by a TAB.
//
// Syntax: quickstatements-syntax.ts, checked against the parsers that run the commands.
//
// References: a statement cites the record's own source (LocalRecord.source, kept in the proposal's
// evidence as `citedSource`) as "reference URL" S854, with "retrieved" S813 at day precision — the
// form real generators write (quickstatements_rs test_data/commands.qs `S854 "http://…"`; the Primary
// Sources tool's `S854 "http://simia.net/wiki/Denny" S813 +2015-02-14T00:00:00Z/11`). S813 is the
// proposal's `lastSeen` day: the last run that read the record and found it still stating this value
// from that source. factsync never fetches the source page itself, so it cannot claim a later or
// different date; the record's statement is what was retrieved, on that day. A record naming no source
// gives statements without a reference, and the export says so for each.
//
// Which proposals: only `upstream` — the record states something Wikidata lacks. Every other kind is
// either a change for the local record (`add`, `update`, `redirect`, `missing`, `moved`) or needs a
// person to decide (`conflict`, `local-conflict`, `mismatch`); see KIND_REASONS.

import type { FieldSpec } from '../../model/fields.js';
import { isItemId, type PropertyId } from '../../model/ids.js';
import type { Proposal, ProposalKind, ProposalValue } from '../../model/proposal.js';
import { parseWebUrl } from '../../model/values.js';
import type { ExportOutput } from './jsonl.js';
import {
  type QuickStatementsReference,
  quickStatementsString,
  type Rendered,
  recordTime,
  referenceColumns,
  wikipediaSiteId,
} from './quickstatements-syntax.js';
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

export {
  type Calendar,
  type QuickStatementsReference,
  quickStatementsString,
  quickStatementsTime,
  recordCalendar,
  wikipediaSiteId,
} from './quickstatements-syntax.js';

export interface QuickStatementsOptions {
  /** The language of the record's label and description (`Len`, `Den`): the first configured one. */
  readonly language?: string;
}

/** Said of every statement written without a reference, so a reviewer can source it before upload. */
export const NO_REFERENCE =
  'no reference: the record names no source (a card\'s "**Source**:" line, a JSONL record\'s "source")';

/**
 * The reference a proposal's statements cite: the source its record names (never the Wikidata item,
 * which must not cite itself), retrieved on the day the proposal was last seen.
 */
export function referenceOf(proposal: Proposal): QuickStatementsReference | undefined {
  const url = proposal.evidence.citedSource;
  return url === undefined ? undefined : { url, retrieved: proposal.lastSeen };
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
        ? recordTime(time)
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

function statementLines(proposal: Proposal, field: FieldSpec, property: PropertyId): QuickStatementsResult {
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
  const lines: string[] = [];
  const cited = referenceSuffix(proposal);
  for (const value of values) {
    const rendered = renderValue(field, value);
    if (rendered.ok) lines.push([proposal.qid, property, rendered.value, ...cited.columns].join('\t'));
    else omitted.push(rendered.reason);
  }
  if (lines.length === 0) return { skipped: omitted.join('; ') };
  if (cited.omitted) omitted.push(cited.omitted);
  return omitted.length > 0 ? { lines, omitted } : { lines };
}

/** The reference columns every statement of the proposal ends with, or why it has none. */
function referenceSuffix(proposal: Proposal): { columns: string[]; omitted?: string } {
  const reference = referenceOf(proposal);
  if (!reference) return { columns: [], omitted: NO_REFERENCE };
  const written = referenceColumns(reference);
  return 'reason' in written
    ? { columns: [], omitted: `reference left out: ${written.reason}` }
    : { columns: written.columns };
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
  return statementLines(proposal, field, property);
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
