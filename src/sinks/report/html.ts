// The run report as one self-contained HTML page (inline style and script, nothing fetched). Every
// value from a card or from Wikimedia is escaped: a label "<script>alert(1)</script>" shows as text;
// and made printable first: control characters and bidi overrides show as escapes, credentials masked.

import type { RunRecord } from '../../model/run.js';
import { printable, redactSecrets } from '../../text/safe.js';
import {
  displayValue,
  type EntityGroup,
  evidenceLabel,
  isWebLink,
  KIND_HELP,
  planNotes,
  runFigures,
  scopeNote,
} from './format.js';
import { heldNote, noProposalsSentence, notComparedNote, stoppedNote } from './outcome.js';
import { waitingCount, waitingLine, waitingNote } from './waiting.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text from a card, from Wikimedia or from an error, as HTML text. */
const shown = (text: string) => escapeHtml(printable(text));

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:16px 24px}
h1{font-size:20px;margin:0 0 6px} h2{font-size:16px;margin:24px 0 8px}
main{padding:8px 24px 40px;max-width:1400px}
.summary{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}
.stat{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 10px}
.stat b{font-size:16px;display:block}
section.entity{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:14px 0;overflow:hidden}
section.entity h3{margin:0;padding:10px 14px;font-size:15px;background:#f6f8fa;border-bottom:1px solid #d0d7de}
section.entity h3 small{color:#57606a;font-weight:normal}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:6px 10px;border-top:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;color:#57606a;font-weight:600;border-top:none}
td.value{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;word-break:break-word;max-width:380px}
.kind{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;background:#ddf4ff;color:#0969da}
.kind-update,.kind-ended,.kind-conflict,.kind-local-conflict,.kind-mismatch{background:#fff1e5;color:#bc4c00}
.kind-missing,.kind-redirect,.kind-moved{background:#ffebe9;color:#cf222e}
.kind-upstream{background:#dafbe1;color:#1a7f37}
.new{background:#8250df;color:#fff;border-radius:10px;padding:1px 6px;font-size:11px;margin-left:4px}
.status{color:#57606a;font-size:12px} .id{color:#8c959f;font-size:11px;font-family:ui-monospace,monospace}
.failures li{margin:2px 0} input#filter{padding:6px 10px;border:1px solid #d0d7de;border-radius:6px;width:320px}
`;

const SCRIPT = `
const input=document.getElementById('filter');
input.addEventListener('input',()=>{const q=input.value.toLowerCase();
for(const s of document.querySelectorAll('section.entity')){s.hidden=q!==''&&!s.textContent.toLowerCase().includes(q);}});
`;

function link(url: string, text: string): string {
  if (!isWebLink(url)) return shown(url);
  return `<a href="${escapeHtml(redactSecrets(url))}" rel="noopener noreferrer" target="_blank">${shown(text)}</a>`;
}

function summary(run: RunRecord): string {
  const p = run.proposals;
  const stats = runFigures(run);
  const kinds = Object.entries(p.byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(
      ([kind, n]) =>
        `<span class="stat" title="${escapeHtml(KIND_HELP[kind] ?? '')}"><b>${n}</b><span class="kind kind-${escapeHtml(kind)}">${escapeHtml(kind)}</span></span>`,
    );
  return `<div class="summary">${stats.map(([label, n]) => `<span class="stat"><b>${n}</b>${label}</span>`).join('')}${kinds.join('')}</div>`;
}

/** How the run went about it, and the requests it spent by endpoint. */
function planning(run: RunRecord): string {
  const outcome = [heldNote(run), stoppedNote(run), notComparedNote(run)].flatMap((note) =>
    note ? [`<li><b>${shown(note)}</b></li>`] : [],
  );
  const notes = [...outcome, ...planNotes(run).map((note) => `<li>${shown(note)}</li>`)];
  const requests = Object.entries(run.requests).map(
    ([endpoint, r]) => `<tr><td>${shown(endpoint)}</td><td>${r.requests}</td><td>${r.bytes}</td></tr>`,
  );
  return `${notes.length ? `<ul class="plan">${notes.join('')}</ul>` : ''}${
    requests.length
      ? `<table class="requests"><thead><tr><th>endpoint</th><th>requests</th><th>bytes</th></tr></thead><tbody>${requests.join('')}</tbody></table>`
      : ''
  }`;
}

function failures(run: RunRecord, title = 'Failures', entries = run.failures): string {
  if (entries.length === 0) return '';
  const items = entries.map((f) => {
    const what =
      f.entity ??
      (f.file ? `${f.file}${f.line === undefined ? '' : `:${f.line}`}` : (f.ids ?? []).join(', '));
    const request = f.url ? ` <span class="id">GET ${shown(f.url)}</span>` : '';
    return `<li><b>${shown(what)}</b>: ${shown(f.reason)}${f.code ? ` <span class="status">${shown(f.code)}</span>` : ''}${request}</li>`;
  });
  return `<h2>${title} (${entries.length})</h2><ul class="failures">${items.join('')}</ul>`;
}

/** The fields the cooling-off left for a later run, each with the edit that made it wait. */
function waitingList(run: RunRecord): string {
  if (waitingCount(run) === 0) return '';
  const items = (run.waiting ?? []).map((w) => `<li>${shown(waitingLine(w))}</li>`);
  return `<h2>Recent edits, waiting (${waitingCount(run)})</h2><p>${shown(waitingNote(run) ?? '')}</p><ul class="failures">${items.join('')}</ul>`;
}

/** The remote value's scoping qualifiers and the field's other values, under the value. */
function scoped(proposal: EntityGroup['proposals'][number]): string {
  const note = scopeNote(proposal.evidence);
  return note ? `<br><small>${escapeHtml(note)}</small>` : '';
}

function entity(run: RunRecord, group: EntityGroup): string {
  const rows = group.proposals.map(
    (p) => `<tr>
<td>${shown(p.field)}</td>
<td><span class="kind kind-${escapeHtml(p.kind)}" title="${escapeHtml(KIND_HELP[p.kind] ?? '')}">${escapeHtml(p.kind)}</span>${p.firstRun === run.id ? '<span class="new">new</span>' : ''}</td>
<td class="value">${escapeHtml(displayValue(p.local))}</td>
<td class="value">${escapeHtml(displayValue(p.remote))}${scoped(p)}</td>
<td>${link(p.evidence.url, evidenceLabel(p.evidence))}</td>
<td class="status">${shown(p.status)}</td>
<td class="id">${shown(p.id)}</td>
</tr>`,
  );
  const title = shown(group.label ?? group.entity);
  return `<section class="entity"><h3>${title} <small>${shown(group.entity)} · ${shown(group.qid)}</small></h3>
<table><thead><tr><th>field</th><th>kind</th><th>local</th><th>remote</th><th>evidence</th><th>status</th><th>id</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></section>`;
}

export function renderHtml(run: RunRecord, groups: readonly EntityGroup[], omitted = 0): string {
  const when = `${run.startedAt}${run.finishedAt ? ` → ${run.finishedAt}` : ''}`;
  const body =
    groups.length === 0
      ? `<p>${shown(noProposalsSentence(run))}</p>`
      : groups.map((g) => entity(run, g)).join('\n');
  const more =
    omitted > 0
      ? `<p>…and ${omitted} more proposals: <code>factsync proposals --run ${escapeHtml(run.id)}</code> lists them all.</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>factsync run ${escapeHtml(run.id)}</title><style>${STYLE}</style></head>
<body><header><h1>factsync run <code>${escapeHtml(run.id)}</code></h1>
<div class="status">${escapeHtml(run.trigger)} · ${escapeHtml(run.status)} · ${escapeHtml(when)}</div>${summary(run)}</header>
<main>${planning(run)}${failures(run)}${failures(run, 'Warnings', run.warnings ?? [])}${waitingList(run)}<h2>Proposals by entity</h2><p><input id="filter" placeholder="Filter by entity, field or value" aria-label="Filter"></p>
${body}${more}</main><script>${SCRIPT}</script></body></html>
`;
}
