// The request budget as a small panel of the runs page: spent, left, the next refill, and why requests
// wait — the same lines as `factsync status`, escaped like every other value on the page.

import { type BudgetState, budgetSummary } from '../../sources/budget-state.js';
import { type Html, html } from '../html.js';

export function budgetPanel(state: BudgetState | undefined): Html {
  if (!state)
    return html`<div class="panel"><h2>Request budget</h2><p class="muted">Redis did not answer in time: the budget cannot be shown.</p></div>`;
  const [first, ...rest] = budgetSummary(state);
  const waiting = state.waiting ? html` <b>Requests wait.</b>` : html``;
  return html`<div class="panel" id="budget"><h2>Request budget</h2><p class="sub">All workers together, as Wikimedia counts them.${waiting}</p>
<ul>${[first ?? '', ...rest].map((line) => html`<li>${line}</li>`)}</ul></div>`;
}
