// One statement field (P178 developer, P6949 announced…) of a record against the item (SPEC §3):
// preferred statements if any, else normal ones; deprecated never count; somevalue is unknown; novalue
// against a local value is a conflict; several best-rank values of a single-valued field are a conflict.

import type { FieldSpec, SingleFact } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { Evidence, ProposalKind, ProposalValue } from '../model/proposal.js';
import { bestStatements, type RemoteItem, type RemoteStatement, type RemoteValue } from '../model/remote.js';
import { compareValue, sameRemote, type Verdict } from './compare.js';
import type { DiffContext, RemoteState } from './context.js';
import { localProposalValue, remoteProposalValue, sorted } from './values.js';

export interface FieldFinding {
  readonly kind: ProposalKind;
  readonly local: ProposalValue | null;
  readonly remote: ProposalValue | null;
  readonly evidence: Evidence;
}

const KIND_OF: Record<Verdict, ProposalKind | undefined> = {
  equal: undefined,
  unknown: undefined,
  differs: 'update',
  'remote-refines': 'update',
  'local-refines': 'upstream',
};

function evidenceFor(item: RemoteItem, ctx: DiffContext, statement?: RemoteStatement): Evidence {
  return {
    source: 'wikidata',
    url: ctx.links.item(item.id, statement?.id),
    ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
    retrievedAt: ctx.retrievedAt,
    ...(statement?.id ? { statementId: statement.id } : {}),
  };
}

/** Distinct remote values, each with the first statement that states it. */
function distinctValues(
  statements: readonly RemoteStatement[],
): Array<{ value: RemoteValue; statement: RemoteStatement }> {
  const found: Array<{ value: RemoteValue; statement: RemoteStatement }> = [];
  for (const statement of statements) {
    const value = statement.value;
    if (value && !found.some((f) => sameRemote(f.value, value))) found.push({ value, statement });
  }
  return found;
}

export function diffStatementField(
  field: FieldSpec,
  localValue: SingleFact[],
  item: RemoteItem,
  remote: RemoteState,
  ctx: DiffContext,
): FieldFinding | undefined {
  const best = bestStatements(item.statements[field.property ?? ''] ?? []);
  const show = (value: RemoteValue) => remoteProposalValue(value, remote.labels, ctx.languages);
  const local =
    localValue.length === 0
      ? null
      : field.many
        ? sorted(localValue.map((v) => localProposalValue(field, v)))
        : localProposalValue(field, localValue[0] as SingleFact);

  if (best.length === 0) {
    return local === null
      ? undefined
      : { kind: 'upstream', local, remote: null, evidence: evidenceFor(item, ctx) };
  }
  const novalue = best.find((s) => s.snaktype === 'novalue');
  if (novalue) {
    if (local === null) return undefined;
    return {
      kind: 'conflict',
      local,
      remote: { snaktype: 'novalue' },
      evidence: evidenceFor(item, ctx, novalue),
    };
  }
  const values = distinctValues(best.filter((s) => s.snaktype === 'value'));
  if (values.length === 0) return undefined; // only somevalue: unknown, nothing to say
  const first = values[0]?.statement;

  if (!field.many) {
    if (values.length > 1) {
      return {
        kind: 'conflict',
        local,
        remote: sorted(values.map((v) => show(v.value))),
        evidence: evidenceFor(item, ctx, first),
      };
    }
    const [{ value, statement }] = values as [{ value: RemoteValue; statement: RemoteStatement }];
    if (local === null)
      return { kind: 'add', local: null, remote: show(value), evidence: evidenceFor(item, ctx, statement) };
    const kind = KIND_OF[compareValue(field.type, localValue[0] as SingleFact, value, remote.labels)];
    return kind
      ? { kind, local, remote: show(value), evidence: evidenceFor(item, ctx, statement) }
      : undefined;
  }
  return diffSets(field, localValue, values, remote, ctx, item);
}

/**
 * A many-valued field as sets: remote values the record lacks make an `add`, local values Wikidata
 * lacks an `upstream`, both at once an `update`. A value that cannot be compared blocks the finding:
 * better no proposal than a wrong one.
 */
function diffSets(
  field: FieldSpec,
  localValues: SingleFact[],
  values: Array<{ value: RemoteValue; statement: RemoteStatement }>,
  remote: RemoteState,
  ctx: DiffContext,
  item: RemoteItem,
): FieldFinding | undefined {
  const matchedLocal = new Map<number, ItemId | undefined>();
  let unknown = false;
  const unmatchedRemote = values.filter(({ value }) => {
    const index = localValues.findIndex((local, i) => {
      if (matchedLocal.has(i)) return false;
      const verdict = compareValue(field.type, local, value, remote.labels);
      if (verdict === 'unknown') unknown = true;
      return verdict === 'equal' || verdict === 'remote-refines' || verdict === 'local-refines';
    });
    if (index >= 0) matchedLocal.set(index, value.type === 'item' ? value.id : undefined);
    return index < 0;
  });
  if (unknown) return undefined;
  const extraLocal = localValues.length - matchedLocal.size;
  if (unmatchedRemote.length === 0 && extraLocal === 0) return undefined;
  const kind: ProposalKind = extraLocal === 0 ? 'add' : unmatchedRemote.length === 0 ? 'upstream' : 'update';
  const local =
    localValues.length === 0
      ? null
      : sorted(localValues.map((v, i) => localProposalValue(field, v, matchedLocal.get(i))));
  const shown = sorted(values.map((v) => remoteProposalValue(v.value, remote.labels, ctx.languages)));
  const statement = (unmatchedRemote[0] ?? values[0])?.statement;
  return { kind, local, remote: shown, evidence: evidenceFor(item, ctx, statement) };
}
