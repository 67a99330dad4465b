// Statements as their qualifiers scope them (SPEC §3): which statements of a field hold today and which
// ended, several values told apart by a distinguishing qualifier (a website per language of work, a
// release date per place of publication), which of them fits this knowledge base, and the evidence that
// shows a statement's qualifiers beside its value. Pure.

import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { Alternative, Evidence, ProposalValue } from '../model/proposal.js';
import {
  bestStatements,
  type RemoteItem,
  type RemoteSnak,
  type RemoteStatement,
  type RemoteValue,
} from '../model/remote.js';
import { formatTime } from '../model/time.js';
import { sameRemote } from './compare.js';
import type { DiffContext, RemoteState } from './context.js';
import { dayOf, END_TIME, periodStart, type Scope, START_TIME, statementScope } from './scope.js';
import { remoteProposalValue } from './values.js';

/** A distinct value of a field and the first statement that states it. */
export interface Candidate {
  readonly value: RemoteValue;
  readonly statement: RemoteStatement;
}

export interface EndedCandidate extends Candidate {
  readonly scope: Extract<Scope, { state: 'ended' }>;
}

/** A field's statements sorted by when they hold: the best-rank ones of today, and those that ended. */
export interface ScopedStatements {
  /** Preferred if any, else normal, among the statements that hold today. */
  readonly best: readonly RemoteStatement[];
  /** Non-deprecated value statements that ended, whatever their rank. */
  readonly ended: readonly EndedCandidate[];
}

/**
 * A "current state" field (a website, a developer) counts only the statements that hold today: one whose
 * end time has passed is history, one whose start time is to come is not a value yet. A fact of the past
 * (a publication date) counts its best-rank statements whatever their qualifiers.
 */
export function scopeStatements(
  field: FieldSpec,
  statements: readonly RemoteStatement[],
  today: string,
): ScopedStatements {
  if (!field.current) return { best: bestStatements(statements), ended: [] };
  const day = dayOf(today);
  const holding: RemoteStatement[] = [];
  const ended: EndedCandidate[] = [];
  for (const statement of statements) {
    if (statement.rank === 'deprecated') continue;
    const scope = statementScope(statement, day);
    if (scope.state === 'current') holding.push(statement);
    else if (scope.state === 'ended' && statement.value)
      ended.push({ value: statement.value, statement, scope });
  }
  return { best: bestStatements(holding), ended };
}

/** Distinct values of `statements`, each with the first statement that states it. */
export function distinctValues(statements: readonly RemoteStatement[]): Candidate[] {
  const found: Candidate[] = [];
  for (const statement of statements) {
    const value = statement.value;
    if (value && statement.snaktype === 'value' && !found.some((f) => sameRemote(f.value, value)))
      found.push({ value, statement });
  }
  return found;
}

/** A snak's value as a comparable key: an item's id, a time as Wikidata wrote it, else its JSON. */
function snakKey(snak: RemoteSnak): string {
  if (snak.snaktype !== 'value' || !snak.value) return snak.snaktype;
  const value = snak.value;
  if (value.type === 'item') return value.id;
  if (value.type === 'time') return `${value.time}/${value.precision}`;
  return JSON.stringify(value);
}

function scopeKey(statement: RemoteStatement, qualifiers: readonly string[]): string {
  return JSON.stringify(
    qualifiers.map((property) => (statement.qualifiers[property] ?? []).map(snakKey).sort()),
  );
}

/** Whether a statement has none of the distinguishing qualifiers: the general value. */
const unscoped = (statement: RemoteStatement, qualifiers: readonly string[]) =>
  qualifiers.every((property) => (statement.qualifiers[property] ?? []).length === 0);

/**
 * Whether several values are alternatives rather than a conflict: each pair differs in at least one
 * distinguishing qualifier (its values, or having it at all).
 */
export function toldApart(candidates: readonly Candidate[], qualifiers: readonly string[]): boolean {
  const keys = candidates.map((c) => scopeKey(c.statement, qualifiers));
  return new Set(keys).size === keys.length;
}

const languagesOf = (statement: RemoteStatement) =>
  (statement.qualifiers.P407 ?? []).flatMap((snak) => (snak.value?.type === 'item' ? [snak.value.id] : []));

function earliest(candidates: readonly Candidate[]): Candidate | undefined {
  let best: { candidate: Candidate; key: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.value.type !== 'time') return undefined;
    const start = periodStart(candidate.value);
    if (!start) return undefined;
    const key = start.year * 10_000 + start.month * 100 + start.day;
    if (!best || key < best.key) best = { candidate, key };
  }
  return best?.candidate;
}

/**
 * Of several alternatives, the one that fits this knowledge base: the one in a configured language
 * (P407, languages in order), else for dates the earliest, else the only one with no distinguishing
 * qualifier. Undefined when nothing tells: better no proposal than a guess.
 */
export function fitting(
  candidates: readonly Candidate[],
  ctx: Pick<DiffContext, 'languageItems' | 'qualifiers'>,
): Candidate | undefined {
  for (const language of ctx.languageItems) {
    const found = candidates.find((c) => languagesOf(c.statement).includes(language));
    if (found) return found;
  }
  const first = earliest(candidates);
  if (first) return first;
  const general = candidates.filter((c) => unscoped(c.statement, ctx.qualifiers));
  return general.length === 1 ? general[0] : undefined;
}

/** The qualifiers that scope a statement's value (start/end time and the distinguishing ones), shown. */
export function shownQualifiers(
  statement: RemoteStatement,
  remote: RemoteState,
  ctx: DiffContext,
): Record<string, ProposalValue[]> {
  const shown: Record<string, ProposalValue[]> = {};
  for (const property of [START_TIME, END_TIME, ...ctx.qualifiers]) {
    const snaks = statement.qualifiers[property];
    if (!snaks || snaks.length === 0) continue;
    shown[property] = snaks.map((snak) =>
      snak.snaktype !== 'value' || !snak.value
        ? snak.snaktype === 'somevalue'
          ? 'unknown value'
          : 'no value'
        : remoteProposalValue(snak.value, remote.labels, ctx.languages),
    );
  }
  return shown;
}

/** The item ids among the distinguishing qualifiers of `statements`: their labels are shown. */
export function qualifierItems(
  statements: readonly RemoteStatement[],
  qualifiers: readonly string[],
): ItemId[] {
  const ids: ItemId[] = [];
  for (const statement of statements)
    for (const property of qualifiers)
      for (const snak of statement.qualifiers[property] ?? [])
        if (snak.value?.type === 'item') ids.push(snak.value.id);
  return ids;
}

export function evidenceFor(
  item: RemoteItem,
  remote: RemoteState,
  ctx: DiffContext,
  statement?: RemoteStatement,
  alternatives: readonly Candidate[] = [],
): Evidence {
  const qualifiers = statement ? shownQualifiers(statement, remote, ctx) : {};
  return {
    source: 'wikidata',
    url: ctx.links.item(item.id, statement?.id),
    ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
    retrievedAt: ctx.retrievedAt,
    ...(statement?.id ? { statementId: statement.id } : {}),
    ...(Object.keys(qualifiers).length > 0 ? { qualifiers } : {}),
    ...(alternatives.length > 0
      ? {
          alternatives: alternatives.map(
            (c): Alternative => ({
              value: remoteProposalValue(c.value, remote.labels, ctx.languages),
              ...(c.statement.id ? { statementId: c.statement.id } : {}),
              qualifiers: shownQualifiers(c.statement, remote, ctx),
            }),
          ),
        }
      : {}),
  };
}

/** When an ended statement ended, as proposals show dates; null when Wikidata says "unknown value". */
export function endedOn(candidate: EndedCandidate): string | null {
  const end = candidate.scope.end;
  if (!end) return null;
  return end.value ? formatTime(end.value) : end.time;
}
