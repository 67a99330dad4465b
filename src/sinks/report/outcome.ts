// What a run's outcome means, in sentences every summary shares (the terminal, the Markdown and HTML
// reports, the review page): whether it stopped and why, how many entities could not be compared and
// why, and what a run without proposals may honestly claim. "The knowledge base agrees with Wikidata and
// Wikipedia" is said only when every entity was compared; otherwise the sentence names what was. Pure.

import type { RunFailure, RunRecord } from '../../model/run.js';

type Outcome = Pick<RunRecord, 'status' | 'counts' | 'failures' | 'unreachable'>;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * What to do when Wikimedia cannot be reached. factsync's HTTP client is an undici `Agent`, which
 * ignores HTTP_PROXY/HTTPS_PROXY (only undici's EnvHttpProxyAgent reads them, per its docs), so the
 * advice says so rather than sending people to set a variable that changes nothing.
 */
export const UNREACHABLE_ADVICE =
  'Check the network connection (factsync connects directly: it does not use HTTP_PROXY or HTTPS_PROXY), or try `npx factsync demo`, which runs offline against a fake Wikimedia.';

/** The run stopped on hosts it could not reach: one sentence naming each with its cause, and the advice. */
export function stoppedNote(run: Pick<RunRecord, 'unreachable'>): string | undefined {
  const hosts = run.unreachable ?? [];
  if (hosts.length === 0) return undefined;
  return `The run stopped: ${hosts.map((h) => h.reason).join('; ')}. ${UNREACHABLE_ADVICE}`;
}

/**
 * The circuit breaker held the run: why, what to do, and a few of the held proposals. The commands
 * are the ones README "Guards" documents.
 */
export function heldNote(run: Pick<RunRecord, 'id' | 'held'>): string | undefined {
  const held = run.held;
  if (!held) return undefined;
  if (held.settled)
    return `The run was held by the circuit breaker (${held.reason}); ${plural(held.settled.proposals, 'proposal')} ${held.settled.action} on ${held.settled.at}.`;
  const sample = held.sample.map((p) => `${p.id} (${p.entity}, ${p.field}, ${p.kind})`).join('; ');
  return `The run was held by the circuit breaker: ${held.reason}. Its ${plural(held.proposals, 'new proposal')} ${held.proposals === 1 ? 'is' : 'are'} held out of the open list, the exports and apply until someone runs \`factsync held ${run.id} --release\` (they become open) or \`--discard\` (decided "none"). For example: ${sample}.`;
}

/** Failures of entities (not unreadable local records, which are the store's, listed apart). */
export const entityFailures = (run: Pick<RunRecord, 'failures'>): RunFailure[] =>
  run.failures.filter((f) => f.code !== 'READ_ERROR');

/** Entities compared (or found unchanged) in the run: neither failed nor left for a later run. */
export const comparedEntities = (run: Pick<RunRecord, 'counts'>): number =>
  Math.max(0, run.counts.seen - run.counts.failed - (run.counts.deferred ?? 0));

/**
 * "9 of 9 entities could not be compared (HTTP_UNREACHABLE 9) — first: chatgpt: …", or undefined when
 * every entity was. The first reason as the failure states it (no URL: the reports list them), unless
 * the run stopped (stoppedNote says why).
 */
export function notComparedNote(run: Outcome): string | undefined {
  const failures = entityFailures(run);
  if (run.counts.failed === 0 && failures.length === 0) return undefined;
  const byCode = new Map<string, number>();
  for (const f of failures) byCode.set(f.code ?? 'FAILED', (byCode.get(f.code ?? 'FAILED') ?? 0) + 1);
  const codes = [...byCode].map(([code, n]) => `${code} ${n}`).join(', ');
  // When the run stopped, stoppedNote says why, once.
  const first = (run.unreachable ?? []).length > 0 ? undefined : failures[0];
  const firstText = first ? ` — first: ${first.entity ? `${first.entity}: ` : ''}${first.reason}` : '';
  return `${run.counts.failed.toLocaleString('en-US')} of ${plural(run.counts.seen, 'entity', 'entities')} could not be compared${codes ? ` (${codes})` : ''}${firstText}`;
}

/** What a run without proposals may claim: agreement only for what it compared. */
export function noProposalsSentence(run: Outcome): string {
  const compared = comparedEntities(run);
  if (run.status === 'failed')
    return 'No proposals, because nothing could be compared: whether the local records agree with Wikidata and Wikipedia is not known (see Failures).';
  const deferred = run.counts.deferred ?? 0;
  if (compared === 0)
    return `No proposals: no entity was compared${deferred > 0 ? ` (${plural(deferred, 'entity', 'entities')} left for a later run: request budget)` : ''}.`;
  const left: string[] = [];
  if (run.counts.failed > 0)
    left.push(`${plural(run.counts.failed, 'entity', 'entities')} could not be compared`);
  if (deferred > 0)
    left.push(`${plural(deferred, 'entity', 'entities')} left for a later run (request budget)`);
  if (run.counts.unreadable > 0)
    left.push(`${plural(run.counts.unreadable, 'local record')} could not be read`);
  if (left.length === 0) return 'No proposals: the knowledge base agrees with Wikidata and Wikipedia.';
  const listed = run.counts.failed > 0 || run.counts.unreadable > 0 ? ' (see Failures)' : '';
  return `No proposals from the ${plural(compared, 'entity', 'entities')} compared: ${compared === 1 ? 'it agrees' : 'they agree'} with Wikidata and Wikipedia; ${left.join(', ')}${listed}.`;
}
