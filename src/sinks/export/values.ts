// What the two Wikidata-bound exports (QuickStatements, Mismatch Finder) share: which proposals are
// still live, reading the values of a proposal, and the local values of a many-valued field that
// Wikidata lacks — compared by the rules of SPEC §3, so an export never re-proposes a value the diff
// already matched (a more precise date, an http/https twin of a URL, the same text re-spaced). Pure.

import { isDecidedForWikidata } from '../../model/decision.js';
import type { FieldSpec } from '../../model/fields.js';
import { type ItemId, isItemId } from '../../model/ids.js';
import type { ItemValue, NoValue, PageValue, Proposal, ProposalValue } from '../../model/proposal.js';
import { parseIsoTime, sameAtCoarserPrecision, type TimeValue } from '../../model/time.js';
import { normalizeText, urlKey } from '../../model/values.js';

export interface SkippedProposal {
  readonly id: string;
  readonly reason: string;
}

/**
 * Why a proposal is not one to hand to Wikidata, or undefined while it is: decided `wikidata` or `both`
 * (applied to the card or not), or still open (the CLI exports open ones only with --undecided). The
 * CLI filters too; this is the library refusing to export what a reviewer decided otherwise — a
 * proposal decided `card` or `none` must never turn into a Wikidata edit because a filter was omitted.
 */
export function settledReason(proposal: Proposal): string | undefined {
  if (proposal.status === 'open' || isDecidedForWikidata(proposal)) return undefined;
  switch (proposal.status) {
    case 'decided':
      return proposal.side === 'none'
        ? 'decided "none" by a reviewer: not a real difference'
        : `decided "${proposal.side ?? '?'}" by a reviewer: the card is what is wrong, not Wikidata`;
    case 'snoozed':
      return `snoozed until ${proposal.snoozedUntil ?? '?'}`;
    case 'superseded':
      return `superseded${proposal.supersededBy ? ` by ${proposal.supersededBy}` : ''}: Wikidata's value changed since`;
    case 'resolved':
      return 'resolved: the finding no longer holds';
    case 'applied':
      return 'already applied';
    case 'held':
      return 'held by the circuit breaker: its run is waiting for a person to release or discard it';
  }
}

export function fieldOf(proposal: Proposal, fields: readonly FieldSpec[]): FieldSpec | undefined {
  return fields.find((field) => field.name === proposal.field);
}

export function isNoValue(value: unknown): value is NoValue {
  return typeof value === 'object' && value !== null && (value as NoValue).snaktype === 'novalue';
}

export function isPageValue(value: unknown): value is PageValue {
  const page = value as PageValue;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof page.lang === 'string' &&
    typeof page.title === 'string'
  );
}

/** An item value's QID: `{id}` as proposals show items, or a bare QID string. */
export function itemIdOf(value: ProposalValue): ItemId | undefined {
  if (typeof value === 'string') return isItemId(value) ? value : undefined;
  if (Array.isArray(value) || typeof value !== 'object' || value === null) return undefined;
  const id = (value as ItemValue).id;
  return isItemId(id) ? id : undefined;
}

export function itemLabelOf(value: ProposalValue): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const label = (value as ItemValue).label;
  return typeof label === 'string' && label !== '' ? label : undefined;
}

/** A time value of a proposal (`2024-02-15`, `2024-02`, `2024`), with its precision. */
export function timeOf(value: ProposalValue): TimeValue | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseIsoTime(value);
  return parsed.ok ? parsed.value : undefined;
}

/** The values of a side: a many-valued field's array, one value, or none (null, `novalue`). */
export function valuesOf(value: ProposalValue | null): ProposalValue[] {
  if (value === null || isNoValue(value)) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** Whether a local value is one of the remote values, by the comparison rules of SPEC §3. */
function sameValue(field: FieldSpec, local: ProposalValue, remote: ProposalValue): boolean {
  switch (field.type) {
    case 'item': {
      const id = itemIdOf(local);
      // A label-only local item that the diff had matched would have gained the QID; without one it is
      // unmatched by construction.
      return id !== undefined && id === itemIdOf(remote);
    }
    case 'time': {
      const a = timeOf(local);
      const b = timeOf(remote);
      return a !== undefined && b !== undefined && sameAtCoarserPrecision(a, b);
    }
    case 'url':
      return typeof local === 'string' && typeof remote === 'string' && urlKey(local) === urlKey(remote);
    case 'text':
      return (
        typeof local === 'string' &&
        typeof remote === 'string' &&
        normalizeText(local) === normalizeText(remote)
      );
    case 'page':
      return JSON.stringify(local) === JSON.stringify(remote);
  }
}

/**
 * The local values of a many-valued field that Wikidata lacks. A proposal holds both sides as full
 * sorted arrays; an `upstream` or `update` of a set is about these values only.
 */
export function localValuesMissingRemotely(
  field: FieldSpec,
  local: ProposalValue | null,
  remote: ProposalValue | null,
): ProposalValue[] {
  const remoteValues = valuesOf(remote);
  return valuesOf(local).filter((value) => !remoteValues.some((other) => sameValue(field, value, other)));
}

/** How a reason names a value: `OpenAI (Q21708200)`, `"2024-02"`. */
export function describeValue(value: ProposalValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  const id = itemIdOf(value);
  const label = itemLabelOf(value);
  if (label && id) return `${label} (${id})`;
  return label ?? id ?? JSON.stringify(value);
}
