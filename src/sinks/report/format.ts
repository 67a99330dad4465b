// Proposal values and evidence as a reviewer reads them, in plain text (the HTML escapes it). Pure.

import type {
  Evidence,
  ItemValue,
  PageValue,
  Proposal,
  ProposalValue,
  StatedValue,
} from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';

function isStated(value: unknown): value is StatedValue {
  return typeof value === 'object' && value !== null && 'where' in value && 'value' in value;
}

function single(value: ProposalValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(single).join(', ');
  if (isStated(value)) {
    const shown = typeof value.value === 'string' ? value.value : JSON.stringify(value.value);
    return `${shown} (${value.where}${value.line === undefined ? '' : `, line ${value.line}`})`;
  }
  if ('snaktype' in value) return 'no value (Wikidata states there is none)';
  if ('lang' in value) return `${(value as PageValue).lang}: ${(value as PageValue).title}`;
  const item = value as ItemValue;
  if (item.id && item.label) return `${item.label} (${item.id})`;
  return item.label ?? item.id ?? '';
}

/** A value for display: "—" for none; the sides of a local conflict joined with "vs". */
export function displayValue(value: ProposalValue | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value) && value.every(isStated)) return value.map(single).join(' vs ');
  return single(value);
}

export function evidenceLabel(evidence: Evidence): string {
  const revision = evidence.revision === undefined ? '' : ` r${evidence.revision}`;
  return `${evidence.source}${revision}`;
}

/** Only http(s) evidence is a link; a local file path is shown as text. */
export function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

export interface EntityGroup {
  readonly entity: string;
  readonly label?: string;
  readonly qid: string;
  readonly proposals: readonly Proposal[];
}

/** Proposals grouped by entity, in the order given. */
export function groupByEntity(proposals: Iterable<Proposal>): EntityGroup[] {
  const groups = new Map<string, { entity: string; label?: string; qid: string; proposals: Proposal[] }>();
  for (const proposal of proposals) {
    let group = groups.get(proposal.entity);
    if (!group) {
      group = {
        entity: proposal.entity,
        qid: proposal.qid,
        proposals: [],
        ...(proposal.label ? { label: proposal.label } : {}),
      };
      groups.set(proposal.entity, group);
    }
    group.proposals.push(proposal);
  }
  return [...groups.values()];
}

export const KIND_HELP: Record<string, string> = {
  add: 'Wikidata has it, the record lacks it',
  update: 'both have it, they differ',
  upstream: 'the record has it, Wikidata lacks it (a candidate edit for Wikidata)',
  conflict: 'Wikidata is ambiguous (several best-rank values, or no value)',
  'local-conflict': 'the record contradicts itself',
  redirect: "the record's QID was merged into another item",
  missing: 'the QID or the Wikipedia page does not exist',
  moved: 'the Wikipedia title now redirects',
  mismatch: "the Wikipedia page's own item is another item",
};

/** A run's headline figures, labelled, in the order the report and the review page show them. */
export function runFigures(run: RunRecord): Array<[label: string, value: number]> {
  const c = run.counts;
  const p = run.proposals;
  return [
    ['entities seen', c.seen],
    ['fetched', c.fetched],
    ['unchanged', c.unchanged],
    ['failed', c.failed],
    ['unreadable', c.unreadable],
    ['new proposals', p.created],
    ['still open', p.seen],
    ['resolved', p.resolved],
    ['superseded', p.superseded],
  ];
}
