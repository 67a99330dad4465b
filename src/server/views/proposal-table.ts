// Proposals as review rows: local and remote values side by side, the kind as a badge, the evidence
// as links (only http(s) ones), the status with its note, a checkbox and a button per side its kind
// allows (src/model/decision.ts).
// Shared by the proposals list, a run's page and an entity's page; the rows sit in one review form.

import { allowedSides, naturalSide, SIDES, type Side, statusLabel } from '../../model/decision.js';
import { REVIEWABLE_STATUSES } from '../../model/lifecycle.js';
import type { Proposal } from '../../model/proposal.js';
import { displayValue, isWebLink, KIND_HELP, scopeNote } from '../../sinks/report/format.js';
import { type Html, html, webLink } from '../html.js';
import { type Chrome, canWrite, writeHint } from './layout.js';

const REVIEWABLE: ReadonlySet<string> = new Set(REVIEWABLE_STATUSES);

export function kindBadge(kind: string): Html {
  return html`<span class="kind kind-${kind}" title="${KIND_HELP[kind] ?? kind}">${kind}</span>`;
}

/** A proposal's status; a decision shows its side, a snooze its date. */
export function statusBadge(status: string, proposal?: Proposal): Html {
  return html`<span class="status status-${status}">${proposal ? statusLabel(proposal) : status}</span>`;
}

/** A timestamp as a reviewer reads it: 2026-11-25 03:00 (UTC; the full ISO string on hover). */
export function when(iso: string | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const short = iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '');
  return html`<time datetime="${iso}" title="${iso}">${short}</time>`;
}

function value(shown: Proposal['local']): Html {
  const text = displayValue(shown);
  return text === '—' ? html`<span class="none">—</span>` : html`${text}`;
}

/** The remote value's scoping qualifiers and the field's other values on Wikidata, under the value. */
function scoped(proposal: Proposal): Html {
  const note = scopeNote(proposal.evidence);
  return note ? html`<br><small class="muted scope">${note}</small>` : html``;
}

/** The evidence as links: the statement or page, the item, and the revision the value was read at. */
export function evidenceLinks(proposal: Proposal, wikidataUrl: string): Html {
  const { evidence } = proposal;
  const links: Html[] = [];
  if (isWebLink(evidence.url)) {
    const [base, anchor] = evidence.url.split('#');
    if (evidence.source === 'wikidata') {
      if (anchor) links.push(webLink(evidence.url, 'statement', 'The Wikidata statement'));
      links.push(webLink(base, 'item', 'The Wikidata item'));
    } else {
      links.push(webLink(evidence.url, `${evidence.source} page`, 'The page'));
    }
    if (evidence.revision !== undefined) {
      const origin = new URL(evidence.url).origin;
      const title = evidence.source === 'wikidata' ? `title=${encodeURIComponent(proposal.qid)}&` : '';
      links.push(
        webLink(
          `${origin}/w/index.php?${title}oldid=${evidence.revision}`,
          `r${evidence.revision}`,
          `The revision read on ${evidence.retrievedAt}`,
        ),
      );
    }
  } else {
    // A local-conflict's evidence is the card file and line: shown, not linked.
    links.push(
      html`<span class="muted mono" title="${evidence.url}">${evidence.url.split('/').at(-1) ?? ''}</span>`,
    );
    if (isWebLink(`${wikidataUrl}`))
      links.push(
        webLink(`${wikidataUrl.replace(/\/+$/, '')}/wiki/${proposal.qid}`, 'item', 'The Wikidata item'),
      );
  }
  return html`${links}`;
}

export interface TableOptions {
  readonly chrome: Chrome;
  readonly wikidataUrl: string;
  /** The entity column (not on an entity's own page). */
  readonly showEntity: boolean;
  /** First and last seen (an entity's proposals over time). */
  readonly showTimes: boolean;
}

/** What each side means, on its buttons' hover. */
const SIDE_HELP: Readonly<Record<Side, string>> = {
  card: 'The card is wrong: apply writes Wikidata’s value into it',
  wikidata: 'Wikidata is wrong or lacks the value: the exports carry it',
  both: 'Both are wrong: apply and the exports carry it',
  none: 'Not a real difference: not asked again while Wikidata’s value stays the same',
};

/** A row's buttons: one per side its kind allows (the current one left out), and a snooze. */
function actions(proposal: Proposal, writable: boolean): Html {
  if (!REVIEWABLE.has(proposal.status)) return html``;
  const disabled = writable ? html`` : html` disabled`;
  const current = proposal.status === 'decided' ? proposal.side : undefined;
  const natural = naturalSide(proposal.kind);
  const sides = allowedSides(proposal.kind).filter((side) => side !== current);
  const buttons = sides.map((side) => {
    const tone = side === 'none' ? 'reject' : side === natural ? 'accept' : '';
    return html`<button class="btn small ${tone}" type="submit" name="act" value="${side}:${proposal.id}" title="${SIDE_HELP[side]}"${disabled}>${side}</button>`;
  });
  const snooze = html`<button class="btn small" type="submit" name="act" value="snooze:${proposal.id}" title="Snooze until the date above: open again from that day"${disabled}>snooze</button>`;
  return html`${buttons} ${snooze}`;
}

function row(proposal: Proposal, options: TableOptions, writable: boolean): Html {
  const entity = options.showEntity
    ? html`<td class="entity"><a href="/entities/${encodeURIComponent(proposal.entity)}"><b>${proposal.label ?? proposal.entity}</b></a><small>${proposal.entity} · ${proposal.qid}</small></td>`
    : html``;
  const times = options.showTimes
    ? html`<td>${when(proposal.firstSeen)}</td><td>${when(proposal.lastSeen)}</td>`
    : html``;
  const note = proposal.note ? html`<span class="note-text">“${proposal.note}”</span>` : html``;
  const reviewed = proposal.reviewedAt
    ? html`<span class="note-text">${proposal.status} ${when(proposal.reviewedAt)}</span>`
    : html``;
  return html`<tr data-id="${proposal.id}" data-status="${proposal.status}" data-side="${proposal.side ?? ''}">
<td class="check">${REVIEWABLE.has(proposal.status) ? html`<input type="checkbox" name="id" value="${proposal.id}" aria-label="Select ${proposal.entity} ${proposal.field}">` : html``}</td>
${entity}<td><b>${proposal.field}</b>${proposal.property ? html`<br><small class="muted">${proposal.property}</small>` : html``}</td>
<td>${kindBadge(proposal.kind)}</td>
<td class="value local">${value(proposal.local)}</td>
<td class="value remote">${value(proposal.remote)}${scoped(proposal)}</td>
<td class="evidence">${evidenceLinks(proposal, options.wikidataUrl)}</td>
<td class="state">${statusBadge(proposal.status, proposal)}${note}${reviewed}</td>${times}
<td class="actions">${actions(proposal, writable)}</td></tr>`;
}

export function proposalTable(proposals: readonly Proposal[], options: TableOptions): Html {
  const writable = canWrite(options.chrome);
  const head = html`<tr><th class="check"><input type="checkbox" class="select-all" aria-label="Select all"></th>${options.showEntity ? html`<th>entity</th>` : html``}<th>field</th><th>kind</th><th>local</th><th>remote (Wikimedia)</th><th>evidence</th><th>status</th>${options.showTimes ? html`<th>first seen (UTC)</th><th>last seen (UTC)</th>` : html``}<th></th></tr>`;
  return html`<table class="proposals"><thead>${head}</thead><tbody>${proposals.map((p) => row(p, options, writable))}</tbody></table>`;
}

/**
 * The review form's top: how many are ticked, a note, the bulk decisions (Accept and Reject, the
 * aliases of each kind's natural side and of none, then the four sides), and a snooze date.
 */
export function actionBar(chrome: Chrome): Html {
  const hint = writeHint(chrome);
  const disabled = canWrite(chrome) ? html`` : html` disabled`;
  // The script enables the bulk buttons once a row is ticked, and only for a reviewer who may write.
  const bulk = canWrite(chrome) ? html` data-bulk` : html` disabled`;
  // The first submit button is the one Enter in the note field would press: a disabled one, so a note
  // typed and confirmed with Enter never accepts the selection by surprise.
  return html`<div class="actionbar"><button type="submit" disabled hidden></button><span class="selected" id="selected-count">0 selected</span>
<input class="note" type="text" name="note" maxlength="1000" placeholder="Note (optional, kept with the decision)" aria-label="Note"${disabled}>
<button class="btn accept" type="submit" name="decision" value="accepted"${bulk}>Accept selected</button>
<button class="btn reject" type="submit" name="decision" value="rejected"${bulk}>Reject selected</button>
<span class="muted">Which side is wrong?</span>
${SIDES.map((side) => html`<button class="btn small" type="submit" name="decision" value="${side}" title="${SIDE_HELP[side]}"${bulk}>${side}</button>`)}
<input class="until" type="date" name="until" aria-label="Snooze until"${disabled}>
<button class="btn small" type="submit" name="decision" value="snooze" title="Open again from that day"${bulk}>Snooze selected</button>
${hint ?? html``}</div>`;
}

/** Opens the review form; `back` is where the POST redirects to (303) afterwards. */
export function reviewForm(chrome: Chrome, back: string, inner: Html): Html {
  return html`<form method="post" action="/proposals/review" class="review"><input type="hidden" name="_csrf" value="${chrome.csrf}"><input type="hidden" name="back" value="${back}">${inner}</form>`;
}
