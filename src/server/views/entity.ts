// An entity's page: its local record (the JSONL form, and the card's text), "Refresh now" with live
// progress, and its proposals over time — every status, newest first.

import type { FieldSpec } from '../../model/fields.js';
import type { Proposal } from '../../model/proposal.js';
import { recordToJson } from '../../model/record.js';
import type { EntityRecord } from '../entity-record.js';
import { type Html, html, webLink } from '../html.js';
import { type Chrome, canWrite, type Flash, page, writeHint } from './layout.js';
import { actionBar, proposalTable, reviewForm } from './proposal-table.js';

export interface EntityView {
  readonly key: string;
  readonly record: EntityRecord;
  readonly proposals: readonly Proposal[];
  readonly more: boolean;
  readonly fields: readonly FieldSpec[];
  readonly wikidataUrl: string;
  readonly wikipediaUrl: string;
  /** A refresh in progress, to follow live. */
  readonly refreshRun?: string | undefined;
  readonly flash?: Flash | undefined;
}

function recordPanel(view: EntityView): Html {
  const { record } = view;
  if (!record.found) {
    const where = record.error
      ? html`<p class="muted mono">${record.error.file}${record.error.line === undefined ? '' : `:${record.error.line}`}</p>`
      : html``;
    return html`<div class="panel"><h2>Local record</h2><div class="pad">No readable local record: ${record.reason}.${where}</div></div>`;
  }
  const json = JSON.stringify(recordToJson(record.record, view.fields), null, 2);
  const warnings = record.warnings.map(
    (w) => html`<li>${w.warning}${w.line === undefined ? '' : ` (line ${w.line})`}</li>`,
  );
  const file = `${record.record.file}${record.record.line === undefined ? '' : `:${record.record.line}`}`;
  return html`<div class="panel"><h2><span class="grow">Local record</span><span class="muted mono">${file}</span></h2>
${warnings.length > 0 ? html`<ul class="failures">${warnings}</ul>` : html``}
<pre class="record" id="record-json">${json}</pre></div>`;
}

function cardPanel(view: EntityView): Html {
  const { record } = view;
  if (!record.found || record.cardText === undefined) return html``;
  return html`<div class="panel"><details open><summary>Card text${record.truncated ? ' (the first 64 kB)' : ''}</summary>
<pre class="record" id="card-text">${record.cardText}</pre></details></div>`;
}

function refreshPanel(chrome: Chrome, view: EntityView): Html {
  const key = encodeURIComponent(view.key);
  if (view.refreshRun) {
    return html`<div class="panel"><div class="progress" id="refresh-progress" data-run="${view.refreshRun}" data-done="/entities/${key}?refreshed=${encodeURIComponent(view.refreshRun)}">
<span class="spinner" aria-hidden="true"></span><span data-text>Refresh queued…</span><span class="bar"><i></i></span>
<a class="muted" href="/runs/${encodeURIComponent(view.refreshRun)}">run ${view.refreshRun}</a></div></div>`;
  }
  const hint = writeHint(chrome);
  return html`<form method="post" action="/entities/${key}/refresh" class="refresh"><input type="hidden" name="_csrf" value="${chrome.csrf}">
<button class="btn primary" type="submit"${canWrite(chrome) ? html`` : html` disabled`}>Refresh now</button> <span class="muted">fetches this entity from Wikidata and Wikipedia ahead of the nightly run</span> ${hint ?? html``}</form>`;
}

export function entityPage(chrome: Chrome, view: EntityView): string {
  const record = view.record.found ? view.record.record : undefined;
  const first = view.proposals[0];
  const label = record?.label ?? first?.label ?? view.key;
  const qid = record?.qid ?? first?.qid;
  const wikidata = view.wikidataUrl.replace(/\/+$/, '');
  const links: Html[] = [html`<code>${view.key}</code>`];
  if (qid) links.push(webLink(`${wikidata}/wiki/${qid}`, qid, 'The Wikidata item'));
  if (record?.wikipedia) {
    const site = view.wikipediaUrl.replace('{lang}', record.wikipedia.lang).replace(/\/+$/, '');
    const title = encodeURIComponent(record.wikipedia.title.replace(/ /g, '_'));
    links.push(
      webLink(
        `${site}/wiki/${title}`,
        `${record.wikipedia.lang}: ${record.wikipedia.title}`,
        'The Wikipedia page',
      ),
    );
  }
  const description = record?.description ? html`<p class="sub">${record.description}</p>` : html``;
  const key = encodeURIComponent(view.key);
  const table =
    view.proposals.length === 0
      ? html`<div class="panel empty">No proposals for this entity yet.</div>`
      : reviewForm(
          chrome,
          `/entities/${key}`,
          html`<div class="panel">${actionBar(chrome)}${proposalTable(view.proposals, { chrome, wikidataUrl: view.wikidataUrl, showEntity: false, showTimes: true })}</div>`,
        );
  const more = view.more
    ? html`<p><a href="/proposals?status=all&amp;entity=${key}">All of this entity's proposals</a></p>`
    : html``;
  const body = html`<h1>${label}</h1><p class="sub">${links.map((l, i) => html`${i > 0 ? ' · ' : ''}${l}`)}</p>${description}
${refreshPanel(chrome, view)}
<h2>Proposals over time</h2>${table}${more}
<div class="grid">${recordPanel(view)}${cardPanel(view)}</div>`;
  return page(chrome, { title: label, section: 'entity', body, flash: view.flash });
}
