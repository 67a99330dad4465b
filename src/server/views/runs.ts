// The runs list, and one run's diff report in the app's frame: its counts, failures and requests,
// then its proposals grouped by entity (reviewable in place), with the report files one click away.

import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { groupByEntity, KIND_HELP, runFigures } from '../../sinks/report/format.js';
import { heldNote, noProposalsSentence, notComparedNote, stoppedNote } from '../../sinks/report/outcome.js';
import { waitingNote } from '../../sinks/report/waiting.js';
import { type Html, html, withQuery } from '../html.js';
import { type Chrome, canWrite, page, writeHint } from './layout.js';
import { actionBar, kindBadge, proposalTable, reviewForm, statusBadge, when } from './proposal-table.js';

function duration(run: RunRecord): string {
  if (!run.finishedAt) return '';
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

const n = (value: number) => value.toLocaleString('en');

export function runsPage(chrome: Chrome, runs: readonly RunRecord[], budget?: Html): string {
  const rows = runs.map((run) => {
    const c = run.counts;
    const p = run.proposals;
    const scope = run.scope?.length ? html`<br><small class="muted">${run.scope.join(', ')}</small>` : html``;
    return html`<tr><td><a href="/runs/${encodeURIComponent(run.id)}"><code>${run.id}</code></a>${scope}</td>
<td>${run.trigger}</td><td>${statusBadge(run.status)}</td><td>${when(run.startedAt)}</td>
<td>${when(run.finishedAt)}<br><small class="muted">${duration(run)}</small></td>
<td class="num">${n(c.seen)}</td><td class="num">${n(c.fetched)}</td><td class="num">${n(c.unchanged)}</td>
<td class="num">${c.failed > 0 ? html`<b>${n(c.failed)}</b>` : n(c.failed)}</td>
<td class="num"><a href="${withQuery('/proposals', { run: run.id, status: 'all' })}">${n(p.created)}</a></td>
<td class="num">${n(p.seen)}</td><td class="num">${n(p.resolved)}</td></tr>`;
  });
  const table =
    runs.length === 0
      ? html`<div class="empty">No run yet: start workers (<code>factsync worker</code>) or run <code>factsync sync</code>.</div>`
      : html`<table><thead><tr><th>run</th><th>trigger</th><th>status</th><th>started (UTC)</th><th>finished</th>
<th class="num">entities seen</th><th class="num">fetched</th><th class="num">unchanged</th><th class="num">failed</th>
<th class="num">new proposals</th><th class="num">still open</th><th class="num">resolved</th></tr></thead><tbody>${rows}</tbody></table>`;
  const body = html`<h1>Runs</h1><p class="sub">The last ${runs.length} runs, newest first: nightly, manual, refreshes and one-off syncs.</p>
${budget ?? html``}<div class="panel">${table}</div>`;
  return page(chrome, { title: 'Runs', section: 'runs', body });
}

function stats(run: RunRecord): Html {
  const p = run.proposals;
  const items = runFigures(run);
  const kinds = Object.entries(p.byKind)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(
      ([kind, count]) =>
        html`<span class="stat" title="${KIND_HELP[kind] ?? ''}"><b>${n(count ?? 0)}</b>${kindBadge(kind)}</span>`,
    );
  return html`<div class="stats">${items.map(([label, value]) => html`<span class="stat"><b>${n(value)}</b><span>${label}</span></span>`)}${kinds}</div>`;
}

function failures(run: RunRecord): Html {
  if (run.failures.length === 0) return html``;
  const shown = run.failures.slice(0, 200).map((f) => {
    const what =
      f.entity ??
      (f.file ? `${f.file}${f.line === undefined ? '' : `:${f.line}`}` : (f.ids ?? []).join(', '));
    const request = f.url ? html` <small class="muted">GET ${f.url}</small>` : html``;
    return html`<li><b>${what}</b>: ${f.reason}${f.code ? html` <span class="muted">${f.code}</span>` : html``}${request}</li>`;
  });
  const more =
    run.failures.length > 200 ? html`<li>…and ${run.failures.length - 200} more in the report</li>` : html``;
  return html`<div class="panel"><h2>Failures (${run.failures.length})</h2><ul class="failures">${shown}${more}</ul></div>`;
}

/**
 * What `factsync held RUN --release|--discard` does, as two buttons under the held note while the run
 * is unsettled (POST /runs/:id/held). The first submit button is a disabled one, so Enter in the note
 * field presses neither.
 */
function heldActions(chrome: Chrome, run: RunRecord, heldNow: number | undefined): Html {
  if (!run.held || run.held.settled || heldNow === undefined) return html``;
  const disabled = canWrite(chrome) ? html`` : html` disabled`;
  return html`<form method="post" action="/runs/${encodeURIComponent(run.id)}/held" class="held-actions"><input type="hidden" name="_csrf" value="${chrome.csrf}"><button type="submit" disabled hidden></button>
<button class="btn accept" type="submit" name="action" value="release" title="They become open, reviewed as usual"${disabled}>Release ${n(heldNow)} held proposal${heldNow === 1 ? '' : 's'}</button>
<input class="note" type="text" name="note" maxlength="1000" placeholder="Note (optional, kept with each discarded proposal)" aria-label="Discard note"${disabled}>
<button class="btn reject" type="submit" name="action" value="discard" title="Decided none: not proposed again while both values stay the same"${disabled}>Discard them</button>
${writeHint(chrome) ?? html``}</form>`;
}

/** Why the run stopped, and how many entities it could not compare: above everything else. */
function outcome(chrome: Chrome, view: RunView): Html {
  const { run } = view;
  const notes = [heldNote(run), stoppedNote(run), notComparedNote(run), waitingNote(run)].filter(
    (note) => note !== undefined,
  );
  return notes.length === 0
    ? html``
    : html`<div class="flash warn">${notes.map((note) => html`<p>${note}</p>`)}${heldActions(chrome, run, view.heldNow)}</div>`;
}

export interface RunView {
  readonly run: RunRecord;
  readonly proposals: readonly Proposal[];
  /** More proposals than shown. */
  readonly more: boolean;
  readonly wikidataUrl: string;
  /** Proposals of a held, unsettled run still held now (they may be decided one by one meanwhile). */
  readonly heldNow?: number | undefined;
}

export function runPage(chrome: Chrome, view: RunView): string {
  const { run } = view;
  const id = encodeURIComponent(run.id);
  const all = withQuery('/proposals', { run: run.id, status: 'all' });
  const groups = groupByEntity(view.proposals).map(
    (
      group,
    ) => html`<div class="panel"><h2><a href="/entities/${encodeURIComponent(group.entity)}">${group.label ?? group.entity}</a>
<span class="muted grow">${group.entity} · ${group.qid}</span></h2>
${proposalTable(group.proposals, { chrome, wikidataUrl: view.wikidataUrl, showEntity: false, showTimes: false })}</div>`,
  );
  const list =
    view.proposals.length === 0
      ? html`<div class="panel empty">${noProposalsSentence(run)}</div>`
      : reviewForm(chrome, `/runs/${id}`, html`<div class="panel">${actionBar(chrome)}</div>${groups}`);
  const more = view.more
    ? html`<p>Only the first ${view.proposals.length} are shown here: <a href="${all}">review all of this run's proposals</a>.</p>`
    : html``;
  const body = html`<h1>Run <code>${run.id}</code></h1>
<p class="sub">${run.trigger} · ${statusBadge(run.status)} · ${when(run.startedAt)}${run.finishedAt ? html` → ${when(run.finishedAt)} UTC (${duration(run)})` : html` UTC`}${run.scope?.length ? html` · scope: ${run.scope.join(', ')}` : html``}</p>
${stats(run)}
${outcome(chrome, view)}
<p><a class="btn" href="${all}">Review its proposals in the list</a> <a class="btn" href="/runs/${id}/report.html" target="_blank" rel="noopener">Report page (HTML)</a> <a class="btn" href="/runs/${id}/report.md">Markdown</a> <a class="btn" href="/runs/${id}/report.json">JSON</a></p>
${failures(run)}
<h2>Proposals by entity</h2>${list}${more}`;
  return page(chrome, { title: `Run ${run.id}`, section: 'runs', body });
}
