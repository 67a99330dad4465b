// One statement field (P178 developer, P6949 announced…) of a record against the item (SPEC §3):
// preferred statements if any, else normal ones; deprecated never count; somevalue is unknown; novalue
// against a local value is a conflict. A current-state field counts only statements that hold today: a
// record stating a value Wikidata says has ended gets an `ended` proposal. Several best-rank values of a
// single-valued field are alternatives when a qualifier tells them apart (a website per language), and a
// conflict when nothing does.

import type { FieldSpec, SingleFact } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { EndedValue, ProposalKind, ProposalValue } from '../model/proposal.js';
import type { RemoteItem, RemoteValue } from '../model/remote.js';
import { compareValue, type Verdict } from './compare.js';
import type { DiffContext, FieldFinding, FieldResult, RemoteState } from './context.js';
import {
  type Candidate,
  distinctValues,
  type EndedCandidate,
  endedOn,
  evidenceFor,
  fitting,
  scopeStatements,
  toldApart,
} from './qualified.js';
import { localProposalValue, remoteProposalValue, sorted } from './values.js';

export type { FieldFinding, FieldResult } from './context.js';

const KIND_OF: Record<Verdict, ProposalKind | undefined> = {
  equal: undefined,
  unknown: undefined,
  differs: 'update',
  'remote-refines': 'update',
  'local-refines': 'upstream',
};

const matches = (verdict: Verdict) =>
  verdict === 'equal' || verdict === 'remote-refines' || verdict === 'local-refines';

const decided = (findings: readonly FieldFinding[]): FieldResult => ({ findings, undecided: false });
const UNDECIDED: FieldResult = { findings: [], undecided: true };

/** Everything one field's comparison needs, bound once. */
interface Field {
  readonly spec: FieldSpec;
  readonly item: RemoteItem;
  readonly remote: RemoteState;
  readonly ctx: DiffContext;
  verdict(local: SingleFact, value: RemoteValue): Verdict;
  show(value: RemoteValue): ProposalValue;
}

export function diffStatementField(
  spec: FieldSpec,
  localValue: SingleFact[],
  item: RemoteItem,
  remote: RemoteState,
  ctx: DiffContext,
): FieldResult {
  const field: Field = {
    spec,
    item,
    remote,
    ctx,
    verdict: (local, value) => compareValue(spec.type, local, value, remote.labels, ctx.languages),
    show: (value) => remoteProposalValue(value, remote.labels, ctx.languages),
  };
  const { best, ended } = scopeStatements(spec, item.statements[spec.property ?? ''] ?? [], ctx.retrievedAt);
  // An item shown without its label would be another proposal (the label is part of the value): when a
  // name was not read (more referenced items than wikidata.maxReferencedItems), the field waits.
  const unnamed = [...best, ...ended.map((e) => e.statement)].some(
    (s) => s.value?.type === 'item' && !remote.labels.has(s.value.id),
  );
  if (unnamed) return UNDECIDED;
  const novalue = best.find((s) => s.snaktype === 'novalue');
  const values = distinctValues(best);
  const localShown = (value: SingleFact) => localProposalValue(spec, value);

  if (spec.many) {
    // Local values Wikidata holds only as ended ones each get an `ended`; the rest are compared as sets.
    const findings: FieldFinding[] = [];
    const live: SingleFact[] = [];
    const current = values.length > 0 ? sorted(values.map((v) => field.show(v.value))) : undefined;
    for (const local of localValue) {
      const inCurrent = values.some((v) => matches(field.verdict(local, v.value)));
      const gone = inCurrent ? undefined : endedMatch(field, local, ended);
      if (gone) findings.push(endedFinding(field, localShown(local), gone, current));
      else live.push(local);
    }
    if (novalue) {
      if (live.length === 0) return decided(findings);
      const local = sorted(live.map(localShown));
      return decided([
        ...findings,
        {
          kind: 'conflict',
          local,
          remote: { snaktype: 'novalue' },
          evidence: evidenceFor(item, remote, ctx, novalue),
        },
      ]);
    }
    if (best.length === 0) {
      if (live.length === 0) return decided(findings);
      const local = sorted(live.map(localShown));
      return decided([
        ...findings,
        { kind: 'upstream', local, remote: null, evidence: evidenceFor(item, remote, ctx) },
      ]);
    }
    if (values.length === 0) return decided(findings); // only somevalue: unknown, nothing to say
    const sets = diffSets(field, live, values);
    return sets.undecided ? sets : decided([...findings, ...sets.findings]);
  }

  const local = localValue[0];
  const shownLocal = local === undefined ? null : localShown(local);
  if (novalue) {
    if (local === undefined) return decided([]);
    const gone = endedMatch(field, local, ended);
    if (gone) return decided([endedFinding(field, shownLocal, gone, { snaktype: 'novalue' })]);
    const evidence = evidenceFor(item, remote, ctx, novalue);
    return decided([{ kind: 'conflict', local: shownLocal, remote: { snaktype: 'novalue' }, evidence }]);
  }
  if (best.length === 0 || values.length === 0) {
    if (local === undefined || best.length > 0) return decided([]); // nothing, or only somevalue
    const gone = endedMatch(field, local, ended);
    if (gone) return decided([endedFinding(field, shownLocal, gone, undefined)]);
    return decided([
      { kind: 'upstream', local: shownLocal, remote: null, evidence: evidenceFor(item, remote, ctx) },
    ]);
  }
  if (values.length > 1) return diffAlternatives(field, local, values, ended);
  const [only] = values as [Candidate];
  if (local === undefined)
    return decided([
      {
        kind: 'add',
        local: null,
        remote: field.show(only.value),
        evidence: evidenceFor(item, remote, ctx, only.statement),
      },
    ]);
  const verdict = field.verdict(local, only.value);
  if (verdict === 'unknown') return UNDECIDED;
  if (verdict === 'differs') {
    const gone = endedMatch(field, local, ended);
    if (gone) return decided([endedFinding(field, shownLocal, gone, field.show(only.value))]);
  }
  const kind = KIND_OF[verdict];
  return decided(
    kind
      ? [
          {
            kind,
            local: shownLocal,
            remote: field.show(only.value),
            evidence: evidenceFor(item, remote, ctx, only.statement),
          },
        ]
      : [],
  );
}

/** The ended statement a local value states, if Wikidata holds it only as ended. */
function endedMatch(
  field: Field,
  local: SingleFact,
  ended: readonly EndedCandidate[],
): EndedCandidate | undefined {
  return ended.find((candidate) => matches(field.verdict(local, candidate.value)));
}

function endedFinding(
  field: Field,
  local: ProposalValue | null,
  gone: EndedCandidate,
  current: ProposalValue | undefined,
): FieldFinding {
  const remote: EndedValue = {
    value: field.show(gone.value),
    ended: endedOn(gone),
    ...(current === undefined ? {} : { current }),
  };
  return {
    kind: 'ended',
    local,
    remote,
    evidence: evidenceFor(field.item, field.remote, field.ctx, gone.statement),
  };
}

/**
 * Several best-rank values of a single-valued field. Told apart by a distinguishing qualifier, they are
 * alternatives: a record stating one of them agrees; a record stating none gets the one that fits (the
 * others in the evidence). Nothing telling them apart, or nothing telling which fits, is a conflict.
 */
function diffAlternatives(
  field: Field,
  local: SingleFact | undefined,
  values: readonly Candidate[],
  ended: readonly EndedCandidate[],
): FieldResult {
  const { item, remote, ctx } = field;
  const shownLocal = local === undefined ? null : localProposalValue(field.spec, local);
  const others = (chosen: Candidate) => values.filter((v) => v !== chosen);
  const conflict = (): FieldFinding => ({
    kind: 'conflict',
    local: shownLocal,
    remote: sorted(values.map((v) => field.show(v.value))),
    evidence: evidenceFor(item, remote, ctx, values[0]?.statement, values.slice(1)),
  });
  if (!toldApart(values, ctx.qualifiers)) return decided([conflict()]);
  const fit = fitting(values, ctx);
  if (local === undefined) {
    if (!fit) return decided([]);
    const evidence = evidenceFor(item, remote, ctx, fit.statement, others(fit));
    return decided([{ kind: 'add', local: null, remote: field.show(fit.value), evidence }]);
  }
  const verdicts = values.map((v) => ({ candidate: v, verdict: field.verdict(local, v.value) }));
  if (verdicts.some((v) => v.verdict === 'equal')) return decided([]);
  if (verdicts.some((v) => v.verdict === 'unknown')) return UNDECIDED;
  const refining = verdicts.filter((v) => matches(v.verdict));
  const chosen = refining.find((v) => v.candidate === fit) ?? refining[0];
  if (chosen) {
    const kind = KIND_OF[chosen.verdict] as ProposalKind;
    const evidence = evidenceFor(item, remote, ctx, chosen.candidate.statement, others(chosen.candidate));
    return decided([{ kind, local: shownLocal, remote: field.show(chosen.candidate.value), evidence }]);
  }
  const gone = endedMatch(field, local, ended);
  if (gone) return decided([endedFinding(field, shownLocal, gone, fit ? field.show(fit.value) : undefined)]);
  if (!fit) return decided([conflict()]);
  const evidence = evidenceFor(item, remote, ctx, fit.statement, others(fit));
  return decided([{ kind: 'update', local: shownLocal, remote: field.show(fit.value), evidence }]);
}

/**
 * A many-valued field as sets: remote values the record lacks make an `add`, local values Wikidata
 * lacks an `upstream`, both at once an `update`. A value that cannot be compared leaves the field
 * undecided: better no proposal than a wrong one.
 */
function diffSets(
  field: Field,
  localValues: readonly SingleFact[],
  values: readonly Candidate[],
): FieldResult {
  const matchedLocal = new Map<number, ItemId | undefined>();
  let unknown = false;
  const unmatchedRemote = values.filter(({ value }) => {
    const index = localValues.findIndex((local, i) => {
      if (matchedLocal.has(i)) return false;
      const verdict = field.verdict(local, value);
      if (verdict === 'unknown') unknown = true;
      return matches(verdict);
    });
    if (index >= 0) matchedLocal.set(index, value.type === 'item' ? value.id : undefined);
    return index < 0;
  });
  if (unknown) return UNDECIDED;
  const extraLocal = localValues.length - matchedLocal.size;
  if (unmatchedRemote.length === 0 && extraLocal === 0) return decided([]);
  const kind: ProposalKind = extraLocal === 0 ? 'add' : unmatchedRemote.length === 0 ? 'upstream' : 'update';
  const local =
    localValues.length === 0
      ? null
      : sorted(localValues.map((v, i) => localProposalValue(field.spec, v, matchedLocal.get(i))));
  const shown = sorted(values.map((v) => field.show(v.value)));
  const statement = (unmatchedRemote[0] ?? values[0])?.statement;
  return decided([
    { kind, local, remote: shown, evidence: evidenceFor(field.item, field.remote, field.ctx, statement) },
  ]);
}
