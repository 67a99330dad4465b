// GET /proposals (filters, search, keyset pages) and POST /proposals/review (decide the ticked rows by
// side, or snooze them, or one row's button), which redirects (303) back to the page it came from; a
// JSON request gets a JSON answer.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Decision, parseUntil, SIDES, sideOf } from '../../model/decision.js';
import { reviewProposals } from '../../sinks/review.js';
import { chromeFor, type ServerContext, sendPage, wantsJson } from '../context.js';
import { filterOf, parseProposalQuery } from '../filters.js';
import { localPath } from '../html.js';
import type { Flash } from '../views/layout.js';
import { proposalsPage } from '../views/proposals.js';

const MAX_IDS = 1_000;
const ID = /^[0-9a-f]{8,64}$/;

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** What a review did, as its flash says it: the word asked for (a side, an alias, or snooze). */
function decisionText(word: string, until: string | undefined): string {
  if (word === 'accepted' || word === 'rejected') return word;
  if (word === 'snooze') return `snoozed until ${until ?? '?'}`;
  return `decided: ${word}`;
}

/** The message a review leaves on the page it returns to (from the redirect's query). */
export function reviewFlash(query: unknown): Flash | undefined {
  const raw = (query ?? {}) as Record<string, unknown>;
  const word = typeof raw.decision === 'string' ? raw.decision : '';
  const until = typeof raw.until === 'string' && parseUntil(raw.until).ok ? raw.until : undefined;
  if (word === 'snooze' && raw.until === 'missing')
    return { text: 'Choose a date in the bar first (the day they come back), then snooze.', tone: 'warn' };
  if (word !== 'snooze' && sideOf(word) === undefined) return undefined;
  const reviewed = Number(raw.reviewed);
  if (!Number.isInteger(reviewed) || reviewed < 0) return undefined;
  const skipped = Number(raw.skipped) || 0;
  const refused = Number(raw.refused) || 0;
  if (reviewed === 0 && skipped === 0 && refused === 0)
    return { text: 'Tick at least one proposal first, then decide.', tone: 'warn' };
  const what = `${reviewed} proposal${reviewed === 1 ? '' : 's'} ${decisionText(word, until)}`;
  const notAllowed =
    refused > 0 ? ` ${refused} refused: their kind does not allow that side (see each row’s buttons).` : '';
  const why = skipped > 0 ? ` ${skipped} could not be (already applied, superseded or resolved).` : '';
  return { text: `${what}.${notAllowed}${why}`, tone: skipped + refused > 0 ? 'warn' : 'info' };
}

const NO_DATE = 'until: a snooze needs a date (YYYY-MM-DD)';

/** The page a form came from (its `back`, a path of this site), with these query parameters set. */
function backTo(request: FastifyRequest, params: Record<string, string>): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const back = new URL(localPath(body.back, '/proposals'), 'http://factsync.invalid');
  for (const name of ['reviewed', 'decision', 'skipped', 'refused', 'until', 'refreshed', 'run'])
    back.searchParams.delete(name);
  for (const [name, value] of Object.entries(params)) back.searchParams.set(name, value);
  return `${back.pathname}${back.search}`;
}

interface Review {
  readonly ids: string[];
  readonly decision: Decision;
  /** The word asked for, echoed to the page and the JSON answer: a side, accepted, rejected, snooze. */
  readonly word: string;
  readonly note?: string;
}

/**
 * A review from the page's form or the JSON API: `ids` (or `id`), and `side` (card, wikidata, both,
 * none) or `until` (a snooze), or `decision` — a side, `accepted`/`rejected` (the earlier vocabulary)
 * or `snooze` (the form's bulk button, with `until`); a row's button sends `act=WORD:ID`.
 */
function parseReview(request: FastifyRequest): Review | string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  let ids = [...strings(body.id), ...strings(body.ids)];
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  let word = text(body.side) ?? text(body.decision);
  const act = typeof body.act === 'string' ? /^([a-z]+):(\S+)$/.exec(body.act) : null;
  if (act) {
    word = act[1];
    ids = [act[2] as string];
  }
  const until = text(body.until);
  if (text(body.side) && text(body.decision) && !act) return 'give side or decision, not both';
  if (word === undefined && until !== undefined) word = 'snooze';
  let decision: Decision;
  if (word === 'snooze') {
    if (until === undefined) return NO_DATE;
    const parsed = parseUntil(until);
    if (!parsed.ok) return `until: ${parsed.reason}`;
    decision = { until: parsed.until };
  } else {
    const side = word === undefined ? undefined : sideOf(word);
    if (side === undefined)
      return `side: expected one of ${SIDES.join(', ')} (or decision: accepted, rejected), or until: a date`;
    if (until !== undefined && body.decision !== 'snooze' && text(body.side))
      return 'until snoozes the proposals: give it without side';
    decision = { side };
  }
  if (ids.length > MAX_IDS) return `at most ${MAX_IDS} proposals at once`;
  const bad = ids.find((id) => !ID.test(id));
  if (bad !== undefined) return `not a proposal id: ${JSON.stringify(bad.slice(0, 80))}`;
  const note = typeof body.note === 'string' ? body.note.trim().slice(0, 1000) : '';
  return {
    ids: [...new Set(ids)],
    decision,
    word: word ?? 'snooze',
    ...(note ? { note } : {}),
  };
}

export function proposalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/proposals', async (request, reply) => {
    const query = parseProposalQuery(request.query);
    const filter = filterOf(query);
    const [chrome, page, total, byStatus, byKind, byField, runs] = await Promise.all([
      chromeFor(ctx, request, reply),
      ctx.store.list(filter, { limit: query.limit, ...(query.after ? { after: query.after } : {}) }),
      ctx.counts.count(filter),
      ctx.counts.countBy(filterOf(query, 'status'), 'status'),
      ctx.counts.countBy(filterOf(query, 'kind'), 'kind'),
      ctx.counts.countBy(filterOf(query, 'field'), 'field'),
      ctx.store.listRuns(30),
    ]);
    return sendPage(
      reply,
      proposalsPage(chrome, {
        query,
        proposals: page.proposals,
        next: page.next,
        total,
        byStatus,
        byKind,
        byField,
        runs,
        wikidataUrl: ctx.config.wikidata.url,
        flash: reviewFlash(request.query),
      }),
    );
  });

  app.post('/proposals/review', async (request, reply) => {
    const review = parseReview(request);
    const json = wantsJson(request);
    // A snooze from the page without a date goes back to the page, asking for one.
    if (review === NO_DATE && !json)
      return reply.redirect(backTo(request, { decision: 'snooze', until: 'missing' }), 303);
    if (typeof review === 'string') return reply.code(400).send({ error: review });
    // A script gets all or nothing: a side some proposal's kind does not allow is 422, nothing written.
    const outcome = await reviewProposals(
      ctx.store,
      review.ids,
      review.decision,
      new Date().toISOString(),
      review.note,
      {
        allOrNothing: json,
      },
    );
    ctx.counts.clear();
    request.log.info(
      {
        decision: review.word,
        asked: review.ids.length,
        changed: outcome.changed.length,
        refused: outcome.refused.length,
      },
      'proposals reviewed',
    );
    if (json) {
      if (outcome.refused.length > 0)
        return reply.code(422).send({
          error: outcome.refused.map((r) => r.reason).join('; '),
          refused: outcome.refused,
        });
      const asked = 'until' in review.decision ? { until: review.decision.until } : { side: review.word };
      return reply.send({
        ...(typeof request.body === 'object' && request.body !== null && 'decision' in request.body
          ? { decision: review.word }
          : asked),
        changed: outcome.changed.map((p) => p.id),
        missed: outcome.missed,
      });
    }
    const done: Record<string, string> = { reviewed: String(outcome.changed.length), decision: review.word };
    if ('until' in review.decision) done.until = review.decision.until;
    if (outcome.refused.length > 0) done.refused = String(outcome.refused.length);
    if (outcome.missed.length > 0) done.skipped = String(outcome.missed.length);
    return reply.redirect(backTo(request, done), 303);
  });
}
