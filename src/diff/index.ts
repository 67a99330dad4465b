// The diff: one local record against its Wikidata item and Wikipedia page → findings (SPEC §3, §4).
// Pure — plain data in, plain data out; it never imports a queue, an HTTP client, a logger or a database.

import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import { type Finding, fingerprint } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import { bestStatements, type ItemLookup, type RemoteItem, type WikipediaPage } from '../model/remote.js';
import { normalizeText } from '../model/values.js';
import type { DiffContext, RemoteState } from './context.js';
import { diffStatementField, type FieldFinding } from './statements.js';
import { asList, itemValue } from './values.js';
import { diffWikipedia } from './wikipedia.js';

export type { DiffContext, RemoteState } from './context.js';

/** The items whose labels the diff needs: referenced by the item's best statements, the record, the page. */
export function referencedItems(
  record: LocalRecord,
  item: ItemLookup | undefined,
  fields: readonly FieldSpec[],
  page?: WikipediaPage,
): ItemId[] {
  const ids = new Set<ItemId>();
  for (const field of fields) {
    if (field.type !== 'item') continue;
    if (item?.kind === 'item' && field.property) {
      for (const statement of bestStatements(item.statements[field.property] ?? [])) {
        if (statement.value?.type === 'item') ids.add(statement.value.id);
      }
    }
    for (const value of asList(record.facts[field.name])) {
      const id = (value as { id?: ItemId }).id;
      if (id) ids.add(id);
    }
  }
  if (item?.kind === 'item' && item.redirectedFrom) ids.add(item.id);
  if (page?.wikibaseItem) ids.add(page.wikibaseItem);
  return [...ids];
}

function textField(
  field: FieldSpec,
  local: string | undefined,
  item: RemoteItem,
  ctx: DiffContext,
): FieldFinding | undefined {
  const terms = field.source === 'label' ? item.labels : item.descriptions;
  const lang = ctx.languages.find((l) => terms[l] !== undefined);
  const remote = lang === undefined ? undefined : terms[lang];
  const evidence = {
    source: 'wikidata' as const,
    url: ctx.links.item(item.id),
    ...(item.lastrevid === undefined ? {} : { revision: item.lastrevid }),
    retrievedAt: ctx.retrievedAt,
  };
  if (local === undefined && remote === undefined) return undefined;
  if (local === undefined) return { kind: 'add', local: null, remote: remote ?? null, evidence };
  if (remote === undefined) return { kind: 'upstream', local, remote: null, evidence };
  return normalizeText(local) === normalizeText(remote)
    ? undefined
    : { kind: 'update', local, remote, evidence };
}

export function diffRecord(record: LocalRecord, remote: RemoteState, ctx: DiffContext): Finding[] {
  const findings: Finding[] = [];
  const add = (field: string, finding: FieldFinding | undefined, property?: FieldSpec['property']) => {
    if (!finding) return;
    findings.push({
      entity: record.key,
      ...(record.label === undefined ? {} : { label: record.label }),
      qid: record.qid,
      field,
      ...(property ? { property } : {}),
      ...finding,
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
    return findings;
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
    else
      add(
        field.name,
        diffStatementField(field, asList(record.facts[field.name]), item, remote, ctx),
        field.property,
      );
  }
  return findings;
}

/** Findings with their proposal ids, as the store will key them. */
export function withIds(findings: readonly Finding[]): Array<Finding & { id: string }> {
  return findings.map((finding) => ({ ...finding, id: fingerprint(finding) }));
}
