// Proposal values and evidence as a reviewer reads them, in plain text (the HTML escapes it). Pure.
// Values come from cards and from Wikimedia: what is displayed is made printable here, once, for every
// output that shows them (the command line, the reports, the review page).

import type {
  EndedValue,
  Evidence,
  ItemValue,
  PageValue,
  Proposal,
  ProposalValue,
  RedirectTarget,
  StatedValue,
} from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { printable } from '../../text/safe.js';

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
  if ('ended' in value) {
    const ended = value as EndedValue;
    const when = ended.ended === null ? 'at an unknown date' : `on ${ended.ended}`;
    const now = ended.current === undefined ? 'no current value' : `now ${single(ended.current)}`;
    return `${single(ended.value)} — ended ${when}; ${now}`;
  }
  if ('lang' in value) {
    const target = value as RedirectTarget;
    const page = `${target.lang}: ${(target as PageValue).title}${target.fragment ? ` § ${target.fragment}` : ''}`;
    return target.item ? `${page} (the page of ${single(target.item)})` : page;
  }
  const item = value as ItemValue;
  if (item.id && item.label) return `${item.label} (${item.id})`;
  return item.label ?? item.id ?? '';
}

/**
 * A value for display: "—" for none; the sides of a local conflict joined with "vs". On one line, with
 * control characters as visible escapes (`\x1b`, `\n`) and any credential in it masked.
 */
export function displayValue(value: ProposalValue | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value) && value.every(isStated)) return printable(value.map(single).join(' vs '));
  return printable(single(value));
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
  ended: 'Wikidata says the value the record states has ended (an end time), and what holds now',
  conflict: 'Wikidata is ambiguous (several best-rank values nothing tells apart, or no value)',
  'local-conflict': 'the record contradicts itself',
  redirect: "the record's QID was merged into another item",
  missing: 'the QID or the Wikipedia page does not exist',
  moved: 'the Wikipedia title now redirects, whole, to the article of the same item',
  mismatch:
    "the Wikipedia title leads to another item's page, or to a section of a page, or the page's own item is another item",
};

/** The qualifiers that scope values, by name: what a reviewer reads beside a value. */
const QUALIFIER_NAMES: Record<string, string> = {
  P580: 'start time',
  P582: 'end time',
  P407: 'language',
  P291: 'place of publication',
  P400: 'platform',
  P518: 'applies to part',
  P437: 'distribution format',
};

function qualifiersText(qualifiers: Readonly<Record<string, readonly ProposalValue[]>>): string {
  return Object.entries(qualifiers)
    .map(([property, values]) => `${QUALIFIER_NAMES[property] ?? property}: ${values.map(single).join(', ')}`)
    .join('; ');
}

/**
 * The statement's scoping qualifiers and the other values Wikidata holds for the field, as a sentence:
 * "language: English (Q1860). Also on Wikidata: https://www.bahn.de/ (language: German (Q188))".
 */
export function scopeNote(evidence: Evidence): string {
  const parts: string[] = [];
  if (evidence.qualifiers && Object.keys(evidence.qualifiers).length > 0)
    parts.push(`${qualifiersText(evidence.qualifiers)}.`);
  if (evidence.alternatives && evidence.alternatives.length > 0)
    parts.push(
      `Also on Wikidata: ${evidence.alternatives
        .map((a) => {
          const scope = qualifiersText(a.qualifiers);
          return scope ? `${single(a.value)} (${scope})` : single(a.value);
        })
        .join('; ')}.`,
    );
  return printable(parts.join(' '));
}

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
    ['revision-checked', c.verified ?? 0],
    ['deferred', c.deferred ?? 0],
    ['new proposals', p.created],
    ['still open', p.seen],
    ['resolved', p.resolved],
    ['superseded', p.superseded],
  ];
}

const count = (n: number) => n.toLocaleString('en-US');

/** How the run found what changed, what it could spend, and what it left for later: plain sentences. */
export function planNotes(run: RunRecord): string[] {
  const plan = run.plan;
  if (!plan) return [];
  const notes: string[] = [];
  const estimates = `estimated requests to find the changes: sweep ${count(plan.estimates.sweep)}${
    plan.estimates.feed === undefined ? '' : `, change feed ${count(plan.estimates.feed)}`
  }`;
  notes.push(
    `Change detection: ${plan.strategy === 'feed' ? 'change feed' : 'revision sweep'} — ${plan.reason} (${estimates}).`,
  );
  const feeds = Object.entries(plan.feeds ?? {});
  if (feeds.length > 0)
    notes.push(
      `Feeds read: ${feeds
        .map(
          ([wiki, f]) =>
            `${wiki} ${count(f.rows)} changes from ${f.from} to ${f.to}, ${count(f.hits)} about local entities`,
        )
        .join('; ')}.`,
    );
  if (plan.verification)
    notes.push(
      `Rolling verification: slice ${plan.verification.slice + 1} of ${plan.verification.days} — every entity's revision is checked at least every ${plan.verification.days} nights.`,
    );
  const spent = Object.values(run.requests).reduce((n, r) => n + r.requests, 0);
  notes.push(
    `Request budget: ${count(plan.budget.perHour)} an hour, ${count(plan.budget.run)} for this run; ${count(spent)} spent.`,
  );
  const backlog = run.backlog;
  if (backlog)
    notes.push(
      backlog.runs === undefined
        ? `${count(backlog.entities)} entities could not be reached within this run's budget, and later runs at this budget will not reach them either: finding what changed takes about ${count(backlog.recurring)} of the ${count(plan.budget.run)} requests a run may spend. Raise http.budgetPerHour (a token raises Wikimedia's allowance) or sync.nightHours.`
        : `${count(backlog.entities)} entities could not be reached within this run's budget; they need about ${count(backlog.requests)} requests and will be reached within ${backlog.runs} more run${backlog.runs === 1 ? '' : 's'} at this budget (by ${backlog.expectedBy} with one run a night).`,
    );
  return notes;
}
