// How the reports, the terminal and the page say what the cooling-off left for a later run
// (src/jobs/cooling-off.ts): each field with the edit that made it wait, and when it is compared again.

import type { RunRecord, RunWaiting } from '../../model/run.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "sora (Q124544998) · website: recent edit, waiting — revision 2401 of 2026-12-02T10:00:00Z; …" */
export function waitingLine(w: RunWaiting): string {
  return `${w.entity} (${w.qid}) · ${w.field}: recent edit, waiting — revision ${w.revision} of ${w.editedAt}; compared again from ${w.until}`;
}

/** The fields the run left waiting (all of them, however many the lists keep). */
export const waitingCount = (run: Pick<RunRecord, 'proposals' | 'waiting'>): number =>
  run.proposals.waiting ?? (run.waiting ?? []).length;

/** One sentence for the summary, or undefined when nothing waits. */
export function waitingNote(run: Pick<RunRecord, 'proposals' | 'waiting'>): string | undefined {
  const count = waitingCount(run);
  if (count === 0) return undefined;
  const first = run.waiting?.[0];
  return `${plural(count, 'field')} edited on Wikidata less than review.coolingOffHours ago ${count === 1 ? 'waits' : 'wait'}: proposed on a later run if the edit still stands${first ? ` (first: ${waitingLine(first)})` : ''}.`;
}
