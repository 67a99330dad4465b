// The proposals page: filter menus with counts, search, the review form with its rows, and keyset
// paging ("Next page" carries the last row's cursor; there is no page number and no OFFSET).

import { PROPOSAL_KINDS, PROPOSAL_STATUSES, type Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { isFiltered, type ProposalQuery, proposalsUrl } from '../filters.js';
import { type Html, html } from '../html.js';
import { type Chrome, type Flash, page } from './layout.js';
import { actionBar, proposalTable, reviewForm } from './proposal-table.js';

export interface ProposalsView {
  readonly query: ProposalQuery;
  readonly proposals: readonly Proposal[];
  readonly next?: string | undefined;
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly byKind: Record<string, number>;
  readonly byField: Record<string, number>;
  readonly runs: readonly RunRecord[];
  readonly wikidataUrl: string;
  readonly flash?: Flash | undefined;
}

function option(value: string, label: string, selected: string, n?: number): Html {
  const shown = n === undefined ? label : `${label} (${n.toLocaleString('en')})`;
  return html`<option value="${value}"${value === selected ? html` selected` : html``}>${shown}</option>`;
}

function menu(name: string, label: string, options: Html[]): Html {
  return html`<label>${label}<select name="${name}">${options}</select></label>`;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function filters(view: ProposalsView): Html {
  const { query } = view;
  const statuses = [
    option('all', 'any status', query.status, sum(view.byStatus)),
    ...PROPOSAL_STATUSES.map((s) => option(s, s, query.status, view.byStatus[s] ?? 0)),
  ];
  const kinds = [
    option('', 'any kind', query.kind, sum(view.byKind)),
    ...PROPOSAL_KINDS.filter((k) => (view.byKind[k] ?? 0) > 0 || k === query.kind).map((k) =>
      option(k, k, query.kind, view.byKind[k] ?? 0),
    ),
  ];
  const fieldNames = Object.keys(view.byField).sort();
  if (query.field && !fieldNames.includes(query.field)) fieldNames.push(query.field);
  const fields = [
    option('', 'any field', query.field, sum(view.byField)),
    ...fieldNames.map((f) => option(f, f, query.field, view.byField[f] ?? 0)),
  ];
  const runIds = view.runs.map((r) => r.id);
  if (query.run && !runIds.includes(query.run)) runIds.unshift(query.run);
  const runs = [
    option('', 'any run', query.run),
    ...runIds.map((id) => {
      const run = view.runs.find((r) => r.id === id);
      return option(id, run ? `${id} (${run.trigger})` : id, query.run);
    }),
  ];
  return html`<form class="filters panel" method="get" action="/proposals" role="search">
${menu('status', 'Status', statuses)}${menu('kind', 'Kind', kinds)}${menu('field', 'Field', fields)}${menu('run', 'Run', runs)}
<label>Entity<input type="text" name="entity" value="${query.entity}" placeholder="key or QID" size="14"></label>
<label>Search<input type="search" name="q" value="${query.q}" placeholder="name or QID"></label>
${query.limit === 50 ? html`` : html`<input type="hidden" name="limit" value="${query.limit}">`}
<button class="btn primary" type="submit">Apply</button>
${isFiltered(query) ? html`<a class="btn" href="/proposals">Reset</a>` : html``}</form>`;
}

function pager(view: ProposalsView): Html {
  const { query } = view;
  const first = query.after ? html`<a href="${proposalsUrl(query, { after: '' })}">« First page</a>` : html``;
  const next = view.next
    ? html`<a class="next btn" rel="next" href="${proposalsUrl(query, { after: view.next })}">Next page »</a>`
    : html`<span class="next muted">End of the list</span>`;
  const shown = view.proposals.length;
  return html`<div class="pager">${first}<span>${shown.toLocaleString('en')} shown, ${view.total.toLocaleString('en')} match${view.total === 1 ? 'es' : ''}</span>${next}</div>`;
}

export function proposalsPage(chrome: Chrome, view: ProposalsView): string {
  const { query } = view;
  const heading =
    query.status === 'all'
      ? 'All proposals'
      : `${query.status[0]?.toUpperCase()}${query.status.slice(1)} proposals`;
  const table =
    view.proposals.length === 0
      ? html`<div class="empty">${isFiltered(query) ? 'No proposal matches these filters.' : 'Nothing waits for review: every open proposal has been handled.'}</div>`
      : proposalTable(view.proposals, {
          chrome,
          wikidataUrl: view.wikidataUrl,
          showEntity: true,
          showTimes: false,
        });
  const back = proposalsUrl(query);
  const body = html`<h1>${heading}</h1>
<p class="sub">${view.total.toLocaleString('en')} match${view.total === 1 ? 'es' : ''} · newest first · local values on the left, Wikidata and Wikipedia on the right</p>
${filters(view)}
<div class="panel">${reviewForm(chrome, back, html`${actionBar(chrome)}${table}`)}${pager(view)}</div>`;
  return page(chrome, { title: heading, section: 'proposals', body, flash: view.flash });
}
