// The diff: one local record against its Wikidata item and Wikipedia page → findings (SPEC §3, §4).
// Pure — plain data in, plain data out; it never imports a queue, an HTTP client, a logger or a database.

import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import { type Evidence, type Finding, fingerprint } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import { bestStatements, type ItemLookup, type RemoteItem, type WikipediaPage } from '../model/remote.js';
import { normalizeText } from '../model/values.js';
import type { DiffContext, FieldFinding, FieldResult, RemoteState } from './context.js';
import { qualifierItems } from './qualified.js';
import { diffStatementField } from './statements.js';
import { asList, itemValue, termLanguages } from './values.js';
import { diffWikipedia } from './wikipedia.js';

export type { DiffContext, FieldFinding, FieldResult, RemoteState } from './context.js';

/** What one record's comparison found, and the fields it could not compare in full. */
export interface DiffResult {
  readonly findings: Finding[];
  /** Fields whose earlier proposals must stand as they are: a value could not be told. */
  readonly undecided: string[];
}

/**
 * The items whose labels the diff needs, most needed first: referenced by the record, by the item's
 * statements (all non-deprecated ones: an ended developer is shown by name too), by the page; then the
 * items of the qualifiers that tell values apart (English, for a P407 website), shown in the evidence.
 */
export function referencedItems(
  record: LocalRecord,
  item: ItemLookup | undefined,
  fields: readonly FieldSpec[],
  page?: WikipediaPage,
  qualifiers: readonly string[] = [],
): ItemId[] {
  const ids = new Set<ItemId>();
  const scoping: ItemId[] = [];
  if (item?.kind === 'item' && item.redirectedFrom) ids.add(item.id);
  if (page?.wikibaseItem) ids.add(page.wikibaseItem);
  for (const field of fields) {
    if (field.source !== 'statement') continue;
    for (const value of field.type === 'item' ? asList(record.facts[field.name]) : []) {
      const id = (value as { id?: ItemId }).id;
      if (id) ids.add(id);
    }
    if (item?.kind !== 'item' || !field.property) continue;
    const statements = item.statements[field.property] ?? [];
    const counted = field.current
      ? statements.filter((s) => s.rank !== 'deprecated')
      : bestStatements(statements);
    if (field.type === 'item')
      for (const statement of counted) if (statement.value?.type === 'item') ids.add(statement.value.id);
    scoping.push(...qualifierItems(counted, qualifiers));
  }
  for (const id of scoping) ids.add(id);
  return [...ids];
}

function textField(
  field: FieldSpec,
  local: string | undefined,
  item: RemoteItem,
  ctx: DiffContext,
): FieldFinding | undefined {
  // The configured languages' own term, else the `mul` one (Wikibase's fallback order); a record that
  // states the `mul` name agrees too.
  const terms = field.source === 'label' ? item.labels : item.descriptions;
  const lang = termLanguages(ctx.languages).find((l) => terms[l] !== undefined);
  const remote = lang === undefined ? undefined : terms[lang];
  const mul = terms.mul;
  const evidence = {
    source: 'wikidata' as const,
    url: ctx.links.item(item.id),
    ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
    retrievedAt: ctx.retrievedAt,
  };
  if (local === undefined && remote === undefined) return undefined;
  if (local === undefined) return { kind: 'add', local: null, remote: remote ?? null, evidence };
  if (remote === undefined) return { kind: 'upstream', local, remote: null, evidence };
  const same = (text: string) => normalizeText(local) === normalizeText(text);
  return same(remote) || (mul !== undefined && same(mul))
    ? undefined
    : { kind: 'update', local, remote, evidence };
}

/** The evidence with the record's cited source beside it, when the record names one. */
function citing(evidence: Evidence, source: string | undefined): Evidence {
  return source === undefined ? evidence : { ...evidence, citedSource: source };
}

export function diffRecord(record: LocalRecord, remote: RemoteState, ctx: DiffContext): DiffResult {
  const findings: Finding[] = [];
  const undecided: string[] = [];
  const add = (field: string, finding: FieldFinding | undefined, property?: FieldSpec['property']) => {
    if (!finding) return;
    findings.push({
      entity: record.key,
      ...(record.label === undefined ? {} : { label: record.label }),
      qid: record.qid,
      field,
      ...(property ? { property } : {}),
      ...finding,
      evidence: citing(finding.evidence, record.source),
    });
  };
  const localEvidence = (line?: number) => ({
    source: 'local' as const,
    url: line === undefined ? record.file : `${record.file}#L${line}`,
    retrievedAt: ctx.retrievedAt,
  });

  for (const conflict of record.conflicts) {
    add(conflict.field, {
      kind: 'local-conflict',
      local: conflict.values,
      remote: null,
      evidence: localEvidence(conflict.values[0]?.line),
    });
  }

  const item = remote.item;
  if (item.kind === 'missing') {
    add('qid', {
      kind: 'missing',
      local: { id: record.qid },
      remote: null,
      evidence: { source: 'wikidata', url: ctx.links.item(record.qid), retrievedAt: ctx.retrievedAt },
    });
    return { findings, undecided };
  }
  if (item.redirectedFrom) {
    add('qid', {
      kind: 'redirect',
      local: { id: item.redirectedFrom },
      remote: itemValue(item.id, remote.labels, ctx.languages),
      evidence: {
        source: 'wikidata',
        url: ctx.links.item(item.redirectedFrom),
        ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
        retrievedAt: ctx.retrievedAt,
      },
    });
  }

  for (const field of ctx.fields) {
    if (field.source === 'label') add(field.name, textField(field, record.label, item, ctx));
    else if (field.source === 'description') add(field.name, textField(field, record.description, item, ctx));
    else if (field.source === 'sitelink')
      for (const finding of diffWikipedia(record.wikipedia, item, remote, ctx)) add(field.name, finding);
    else {
      const result: FieldResult = diffStatementField(
        field,
        asList(record.facts[field.name]),
        item,
        remote,
        ctx,
      );
      for (const finding of result.findings) add(field.name, finding, field.property);
      if (result.undecided) undecided.push(field.name);
    }
  }
  return { findings, undecided };
}

/** Findings with their proposal ids, as the store will key them. */
export function withIds(findings: readonly Finding[]): Array<Finding & { id: string }> {
  return findings.map((finding) => ({ ...finding, id: fingerprint(finding) }));
}
