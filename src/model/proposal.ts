// Findings and proposals (SPEC §4). The diff produces findings; the store keeps each as a proposal
// under a stable fingerprint, so the same finding on a later run is the same proposal.

import { createHash } from 'node:crypto';
import type { ItemId, PropertyId } from './ids.js';
import type { Side } from './side.js';

export const PROPOSAL_KINDS = [
  'add',
  'update',
  'upstream',
  'ended',
  'conflict',
  'local-conflict',
  'redirect',
  'missing',
  'moved',
  'mismatch',
] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export const PROPOSAL_STATUSES = [
  'open',
  'decided',
  'snoozed',
  'applied',
  'superseded',
  'resolved',
  'held',
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A value as proposals show it: time as the ISO string of its precision, an item as {id, label}, url
 * and text as strings, a Wikipedia page as {lang, title}, many-valued fields as sorted arrays.
 */
export type ProposalValue =
  | string
  | ItemValue
  | PageValue
  | RedirectTarget
  | StatedValue
  | NoValue
  | EndedValue
  | readonly ProposalValue[];
/** Wikidata states that there is no value (`novalue`). */
export interface NoValue {
  readonly snaktype: 'novalue';
}
export interface ItemValue {
  readonly id?: ItemId;
  readonly label?: string;
}
export interface PageValue {
  readonly lang: string;
  readonly title: string;
}
/**
 * Where a record's Wikipedia title now redirects when that is not a plain move of the same article: a
 * section of a page (`fragment`), or a page whose own item (`item`) is not the record's.
 */
export interface RedirectTarget extends PageValue {
  readonly fragment?: string;
  readonly item?: ItemValue;
}
/**
 * A value the record states that Wikidata marks as ended (an end time, P582): when it ended (`null` when
 * Wikidata says "unknown value"), and the current value or values, when there are any.
 */
export interface EndedValue {
  readonly value: ProposalValue;
  readonly ended: string | null;
  readonly current?: ProposalValue;
}
/** One of the values a record states for a fact, with where: the sides of a local conflict. */
export interface StatedValue {
  readonly value: unknown;
  readonly where: string;
  readonly line?: number;
}

export interface Evidence {
  readonly source: 'wikidata' | 'wikipedia' | 'local';
  /** Where a reviewer checks it: the statement, the page, or the card line. */
  readonly url: string;
  readonly revision?: number;
  readonly retrievedAt: string;
  /** The Wikidata statement GUID, where there is one. */
  readonly statementId?: string;
  /**
   * The statement's qualifiers that scope its value (start and end time, language of work, place of
   * publication, platform…), by property, shown beside the value.
   */
  readonly qualifiers?: Readonly<Record<string, readonly ProposalValue[]>>;
  /** The other values Wikidata holds for the field, told apart by their qualifiers. */
  readonly alternatives?: readonly Alternative[];
  /**
   * The published source the local record cites for its facts (LocalRecord.source), as the diff last
   * read it: what a QuickStatements export gives as the statement's reference URL (S854). Kept here,
   * in the stored evidence, because an export reads proposals only, never the records.
   */
  readonly citedSource?: string;
  /**
   * The hash of the local record the run compared (src/model/record-hash.ts), moved with the rest of
   * the evidence each time a run finds the same difference again: `apply` writes over no record that
   * reads differently now. Absent in proposals stored before it was kept.
   */
  readonly recordHash?: string;
}

/** One of several values of a single-valued field that qualifiers tell apart (a website per language). */
export interface Alternative {
  readonly value: ProposalValue;
  readonly statementId?: string;
  readonly qualifiers: Readonly<Record<string, readonly ProposalValue[]>>;
}

export interface Finding {
  /** The local record's key. */
  readonly entity: string;
  /** The record's label, for reviewers and search. */
  readonly label?: string;
  readonly qid: ItemId;
  readonly field: string;
  readonly property?: PropertyId;
  readonly kind: ProposalKind;
  readonly local: ProposalValue | null;
  readonly remote: ProposalValue | null;
  readonly evidence: Evidence;
}

export interface Proposal extends Finding {
  readonly id: string;
  readonly status: ProposalStatus;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The run that first found it, and the last run that saw it. */
  readonly firstRun?: string;
  readonly lastRun?: string;
  /** The proposal that replaced it, when the remote value changed. */
  readonly supersededBy?: string;
  /** Which side a reviewer said is wrong (decided and applied proposals; see decision.ts). */
  readonly side?: Side;
  /** A snoozed proposal's date (YYYY-MM-DD): it is open again from that day, UTC. */
  readonly snoozedUntil?: string;
  readonly note?: string;
  readonly reviewedAt?: string;
}

/**
 * JSON with keys sorted at every level: the same value always serialises the same way. Proposal ids
 * and record hashes are made from it, so its output must never change; loops rather than
 * entries/filter/map because it runs on every record and finding of every night.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As Array#join: a hole or a value JSON cannot show (undefined, a function) is left empty.
      if (i in value) out += canonicalJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/**
 * A finding's identity: entity, field, kind and the remote value (the local value when the remote has
 * none). Not the local value: an edit to the card that still disagrees with the same remote value is
 * the same proposal, and a proposal decided `none` stays so while the remote value is unchanged.
 */
export function fingerprint(
  finding: Pick<Finding, 'entity' | 'field' | 'kind' | 'local' | 'remote'>,
): string {
  const basis = [
    finding.entity,
    finding.field,
    finding.kind,
    canonicalJson(finding.remote ?? finding.local),
  ].join('\u0000');
  return createHash('sha256').update(basis).digest('hex').slice(0, 20);
}
