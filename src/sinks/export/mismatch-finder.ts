// `factsync export --format mismatch-finder`: an import file for Wikidata's Mismatch Finder, which shows
// Wikidata editors where Wikidata and an external database disagree — here, factsync's records are the
// external database.
//
// Format (wmde/wikidata-mismatch-finder docs/UserGuide.md, "Creating a mismatches import file"): a CSV
// with the header `item_id,statement_guid,property_id,wikidata_value,meta_wikidata_value,external_value,
// external_url,type`; "All columns must be present; optional values can be left empty". statement_guid is
// optional: "Can be empty to signify that no matching value was found on Wikidata, in which case the
// wikidata_value must also be empty"; if present it "must be consistent with the item_id" (the importer
// upper-cases the part before `$` and compares, app/Rules/StatementGuidValue.php). wikidata_value must
// parse as a value of the property (app/Rules/WikidataValue.php → wbparsevalue): a QID for items, an ISO
// date whose form gives the precision — `2022-07-14` day, `1950-05` month, `1950` year (Phabricator
// T288511). meta_wikidata_value is the calendar model and must be empty unless the property is a time
// one (app/Rules/MetaWikidataValue.php); empty means "inferred", so it stays empty. `type` is
// `statement` or `qualifier`, empty meaning statement. "wikidata_value, external_value, external_url
// should be limited to a length of 1500 characters" (config/mismatches.php: max_length 1500); the GUID
// must match `Q\d+\$` + a UUID (config/mismatches.php). Uploads are limited to 10 MB
// (Wikidata/Purdue-Data-Mine-2024 check_mismatch_file.py).
//
// Which proposals: `update` (Wikidata has a statement, the record says otherwise) as a row pointing at
// that statement; `upstream` (the record has a value Wikidata lacks — Mismatch Finder's review status
// "missing": "The information is missing on Wikidata and correct on the external source") as a row with
// empty statement_guid and wikidata_value; for a many-valued field, one row per local value Wikidata
// lacks. Labels, descriptions and sitelinks are not statements (property_id is required), and the other
// kinds are changes for the record or need a person; see KIND_REASONS.

import type { FieldSpec } from '../../model/fields.js';
import type { Proposal, ProposalKind, ProposalValue } from '../../model/proposal.js';
import { sameAtCoarserPrecision } from '../../model/time.js';
import { parseWebUrl } from '../../model/values.js';
import { csvRecord, phpCsvHazard } from './csv.js';
import type { ExportOutput } from './jsonl.js';
import {
  describeValue,
  fieldOf,
  isNoValue,
  itemIdOf,
  itemLabelOf,
  localValuesMissingRemotely,
  type SkippedProposal,
  settledReason,
  timeOf,
} from './values.js';

export const MISMATCH_FINDER_COLUMNS = [
  'item_id',
  'statement_guid',
  'property_id',
  'wikidata_value',
  'meta_wikidata_value',
  'external_value',
  'external_url',
  'type',
] as const;
export type MismatchColumn = (typeof MISMATCH_FINDER_COLUMNS)[number];
export type MismatchRow = Readonly<Record<MismatchColumn, string>>;

export const MISMATCH_FINDER_MAX_VALUE_LENGTH = 1500;
export const MISMATCH_FINDER_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const STATEMENT_GUID = /^Q\d+\$[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

export interface MismatchFinderOptions {
  /**
   * Where a reviewer can see the record's value: written as external_url (optional in the format). A
   * record is a local card or line, with no public address factsync could know, so by default it is empty.
   */
  readonly externalUrl?: (proposal: Proposal) => string | undefined;
  /**
   * Rows for every decision, whichever side (a results file reports them all), not only for those
   * decided for Wikidata. Superseded and resolved proposals are still skipped.
   */
  readonly everyDecision?: boolean;
}

export type MismatchFinderResult =
  | {
      readonly rows: readonly MismatchRow[];
      /** Values of a many-valued proposal (or its external_url) that could not be written, and why. */
      readonly omitted?: readonly string[];
    }
  | { readonly skipped: string };

const FOR_THE_RECORD = 'a change for the local record, nothing to report to Wikidata';

export const KIND_REASONS: Readonly<Record<Exclude<ProposalKind, 'update' | 'upstream'>, string>> = {
  add: `Wikidata has a value the record lacks: ${FOR_THE_RECORD}`,
  ended: `Wikidata says the record's value has ended (an end time): ${FOR_THE_RECORD}`,
  conflict:
    'Wikidata is ambiguous here (several best-rank values, or "no value"): a row names one statement and its value, which this proposal cannot give for each statement',
  'local-conflict': 'the record contradicts itself: fix the record first',
  redirect: `the record's QID was merged into another item: ${FOR_THE_RECORD}`,
  missing: `the QID or the Wikipedia page does not exist: ${FOR_THE_RECORD}`,
  moved: `the Wikipedia page was moved: ${FOR_THE_RECORD}`,
  mismatch: 'about the Wikipedia sitelink, not a statement: a row needs a property',
};

type Rendered = { ok: true; value: string } | { ok: false; reason: string };

/** The record's value as free text; for items the label and the QID when both are known. */
function externalValue(value: ProposalValue): string {
  if (typeof value === 'string') return value;
  const id = itemIdOf(value);
  const label = itemLabelOf(value);
  if (label && id) return `${label} (${id})`;
  return label ?? id ?? describeValue(value);
}

/** Wikidata's value as wbparsevalue reads it for the field's type. */
function wikidataValue(field: FieldSpec, value: ProposalValue): Rendered {
  if (field.type === 'item') {
    const id = itemIdOf(value);
    return id
      ? { ok: true, value: id }
      : { ok: false, reason: `Wikidata's value ${describeValue(value)} has no QID` };
  }
  if (field.type === 'time' && !timeOf(value))
    return {
      ok: false,
      reason: `Wikidata's value ${describeValue(value)} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD`,
    };
  if (typeof value !== 'string')
    return { ok: false, reason: `Wikidata's value ${describeValue(value)} is not text` };
  return { ok: true, value };
}

/** Why the importer would reject or misread the row, or undefined. */
function rowProblem(row: MismatchRow): string | undefined {
  for (const column of ['wikidata_value', 'external_value', 'external_url'] as const) {
    const length = Array.from(row[column]).length;
    if (length > MISMATCH_FINDER_MAX_VALUE_LENGTH)
      return `${column} is ${length} characters long; Mismatch Finder takes at most ${MISMATCH_FINDER_MAX_VALUE_LENGTH}`;
  }
  for (const column of MISMATCH_FINDER_COLUMNS) {
    const hazard = phpCsvHazard(row[column]);
    if (hazard) return `${column} ${hazard}`;
  }
  return undefined;
}

function rowsOf(
  proposal: Proposal,
  field: FieldSpec,
  property: string,
  externalUrl: string,
): MismatchFinderResult {
  const local = proposal.local as ProposalValue;
  const missingRow = (value: ProposalValue): MismatchRow => ({
    item_id: proposal.qid,
    statement_guid: '',
    property_id: property,
    wikidata_value: '',
    meta_wikidata_value: '',
    external_value: externalValue(value),
    external_url: externalUrl,
    type: 'statement',
  });
  if (field.many) {
    const missing = localValuesMissingRemotely(field, local, proposal.remote);
    if (missing.length === 0) return { skipped: `only the record lacks values: ${FOR_THE_RECORD}` };
    const rows: MismatchRow[] = [];
    const omitted: string[] = [];
    for (const value of missing) {
      const row = missingRow(value);
      const problem = rowProblem(row);
      if (problem) omitted.push(`${describeValue(value)}: ${problem}`);
      else rows.push(row);
    }
    if (rows.length === 0) return { skipped: omitted.join('; ') };
    return omitted.length > 0 ? { rows, omitted } : { rows };
  }
  if (Array.isArray(local)) return { skipped: 'a list of values for a single-valued field' };
  const remote = proposal.remote;
  let row: MismatchRow;
  if (remote === null) {
    row = missingRow(local);
  } else {
    if (isNoValue(remote) || Array.isArray(remote)) return { skipped: KIND_REASONS.conflict };
    const [a, b] = [timeOf(local), timeOf(remote)];
    if (field.type === 'time' && proposal.kind === 'update' && a && b && sameAtCoarserPrecision(a, b))
      return {
        skipped: `Wikidata's ${describeValue(remote)} is a more precise form of the record's ${describeValue(local)}: ${FOR_THE_RECORD}`,
      };
    const guid = proposal.evidence.statementId;
    if (!guid)
      return { skipped: 'the evidence has no statement GUID, so the row could not point at the statement' };
    if (!STATEMENT_GUID.test(guid)) return { skipped: `statement GUID "${guid}" is not of the form Q…$UUID` };
    const value = wikidataValue(field, remote);
    if (!value.ok) return { skipped: value.reason };
    row = {
      ...missingRow(local),
      // The GUID's own item, as the importer derives it: after a merge it is the item the statement is on.
      item_id: (guid.split('$')[0] ?? '').toUpperCase(),
      statement_guid: guid,
      wikidata_value: value.value,
    };
  }
  const problem = rowProblem(row);
  return problem ? { skipped: problem } : { rows: [row] };
}

/** The Mismatch Finder rows of one proposal, or why it has none. Pure. */
export function toMismatchRows(
  proposal: Proposal,
  fields: readonly FieldSpec[],
  options: MismatchFinderOptions = {},
): MismatchFinderResult {
  const reported = options.everyDecision && ['decided', 'snoozed', 'applied'].includes(proposal.status);
  const settled = reported ? undefined : settledReason(proposal);
  if (settled) return { skipped: settled };
  if (proposal.kind !== 'update' && proposal.kind !== 'upstream')
    return { skipped: KIND_REASONS[proposal.kind] };
  const field = fieldOf(proposal, fields);
  if (!field) return { skipped: `field "${proposal.field}" is not in the configuration` };
  if (field.source !== 'statement')
    return { skipped: `${field.source}s are not statements; Mismatch Finder rows need a property_id` };
  const property = proposal.property ?? field.property;
  if (!property || !/^P\d+$/.test(property))
    return { skipped: `field "${field.name}" has no Wikidata property` };
  if (proposal.local === null) return { skipped: 'no local value' };

  let externalUrl = options.externalUrl?.(proposal) ?? '';
  const omitted: string[] = [];
  if (externalUrl !== '' && !parseWebUrl(externalUrl).ok) {
    omitted.push(`external_url left empty: ${JSON.stringify(externalUrl)} is not an http(s) URL`);
    externalUrl = '';
  }
  const result = rowsOf(proposal, field, property, externalUrl);
  if ('skipped' in result || omitted.length === 0) return result;
  return { rows: result.rows, omitted: [...omitted, ...(result.omitted ?? [])] };
}

export function mismatchFinderHeader(): string {
  return csvRecord(MISMATCH_FINDER_COLUMNS);
}

export function mismatchFinderRecord(row: MismatchRow): string {
  return csvRecord(MISMATCH_FINDER_COLUMNS.map((column) => row[column]));
}

export interface MismatchFinderReport {
  /** Proposals that gave at least one row. */
  readonly exported: number;
  readonly rows: number;
  readonly skipped: readonly SkippedProposal[];
  readonly incomplete: readonly SkippedProposal[];
  /** Size of the file written, header included. */
  readonly bytes: number;
  /** Mismatch Finder takes files of up to 10 MB: split a larger one before uploading. */
  readonly exceedsUploadLimit: boolean;
}

/** Streams the header, then the rows of every proposal given. */
export async function writeMismatchFinder(
  proposals: AsyncIterable<Proposal>,
  fields: readonly FieldSpec[],
  out: ExportOutput,
  options: MismatchFinderOptions = {},
): Promise<MismatchFinderReport> {
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    await out(text);
  };
  await write(mismatchFinderHeader());
  let exported = 0;
  let rows = 0;
  const skipped: SkippedProposal[] = [];
  const incomplete: SkippedProposal[] = [];
  for await (const proposal of proposals) {
    const result = toMismatchRows(proposal, fields, options);
    if ('skipped' in result) {
      skipped.push({ id: proposal.id, reason: result.skipped });
      continue;
    }
    await write(result.rows.map(mismatchFinderRecord).join(''));
    exported += 1;
    rows += result.rows.length;
    for (const reason of result.omitted ?? []) incomplete.push({ id: proposal.id, reason });
  }
  return {
    exported,
    rows,
    skipped,
    incomplete,
    bytes,
    exceedsUploadLimit: bytes > MISMATCH_FINDER_MAX_UPLOAD_BYTES,
  };
}
