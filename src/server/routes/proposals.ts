// GET /proposals (filters, search, keyset pages) and POST /proposals/review (accept or reject the
// ticked rows, or one row's button), which redirects (303) back to the page it came from.

import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/** The message a review leaves on the page it returns to (from the redirect's query). */
export function reviewFlash(query: unknown): Flash | undefined {
  const raw = (query ?? {}) as Record<string, unknown>;
  const decision = raw.decision === 'accepted' || raw.decision === 'rejected' ? raw.decision : undefined;
  const reviewed = Number(raw.reviewed);
  if (!decision || !Number.isInteger(reviewed) || reviewed < 0) return undefined;
  const skipped = Number(raw.skipped) || 0;
  if (reviewed === 0 && skipped === 0)
    return { text: 'Tick at least one proposal first, then Accept or Reject.', tone: 'warn' };
  const what = `${reviewed} proposal${reviewed === 1 ? '' : 's'} ${decision}`;
  const why = skipped > 0 ? ` ${skipped} could not be (already applied, superseded or resolved).` : '';
  return { text: `${what}.${why}`, tone: skipped > 0 ? 'warn' : 'info' };
}

interface Review {
  readonly ids: string[];
  readonly decision: 'accepted' | 'rejected';
  readonly note?: string;
  readonly back: string;
}

function parseReview(request: FastifyRequest): Review | string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  let ids = [...strings(body.id), ...strings(body.ids)];
  let decision = typeof body.decision === 'string' ? body.decision : undefined;
  const act = typeof body.act === 'string' ? /^(accepted|rejected):(\S+)$/.exec(body.act) : null;
  if (act) {
    decision = act[1];
    ids = [act[2] as string];
  }
  if (decision !== 'accepted' && decision !== 'rejected') return 'decision: expected accepted or rejected';
  if (ids.length > MAX_IDS) return `at most ${MAX_IDS} proposals at once`;
  const bad = ids.find((id) => !ID.test(id));
  if (bad !== undefined) return `not a proposal id: ${JSON.stringify(bad.slice(0, 80))}`;
  const note = typeof body.note === 'string' ? body.note.trim().slice(0, 1000) : '';
  return {
    ids: [...new Set(ids)],
    decision,
    ...(note ? { note } : {}),
    back: localPath(body.back, '/proposals'),
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
    if (typeof review === 'string') return reply.code(400).send({ error: review });
    const changed =
      review.ids.length === 0
        ? []
        : await ctx.store.review(review.ids, review.decision, new Date().toISOString(), review.note);
    ctx.counts.clear();
    request.log.info(
      { decision: review.decision, asked: review.ids.length, changed: changed.length },
      'proposals reviewed',
    );
    if (wantsJson(request))
      return reply.send({ decision: review.decision, changed: changed.map((p) => p.id) });
    const back = new URL(review.back, 'http://factsync.invalid');
    for (const name of ['reviewed', 'decision', 'skipped', 'refreshed', 'run'])
      back.searchParams.delete(name);
    back.searchParams.set('reviewed', String(changed.length));
    back.searchParams.set('decision', review.decision);
    if (changed.length < review.ids.length)
      back.searchParams.set('skipped', String(review.ids.length - changed.length));
    return reply.redirect(`${back.pathname}${back.search}`, 303);
  });
}
