// GET /runs, GET /runs/:id (the run's diff report in the app's frame), GET /runs/:id/report.{html,md,json}
// (the report files themselves, written again from the store, streamed, when they are gone) and
// POST /runs/:id/held (release or discard a held run's proposals, as `factsync held` does), which
// redirects (303) back to the run's page; a JSON request gets a JSON answer.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { storeScope } from '../../jobs/store-scope.js';
import {
  HELD_ACTIONS,
  type HeldAction,
  HeldRunError,
  type HeldSettlement,
  settleHeldRun,
} from '../../sinks/held-run.js';
import { runProposalStream } from '../../sinks/report/collect.js';
import { reportPaths, writeReports } from '../../sinks/report/index.js';
import { type BudgetState, readBudget } from '../../sources/budget-state.js';
import { configuredBudget } from '../../sources/index.js';
import { chromeFor, type ServerContext, sendPage, wantsJson } from '../context.js';
import { budgetPanel } from '../views/budget.js';
import { messagePage } from '../views/messages.js';
import { runPage, runsPage } from '../views/runs.js';

const RUN_PAGE_LIMIT = 300;

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * The report page is self-contained (inline style and script): its CSP allows exactly those two blocks
 * by hash, and nothing else — a value that slipped past escaping still could not run.
 */
export function reportCsp(page: string): string {
  const hash = (tag: string) => {
    const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(page);
    return match
      ? `'sha256-${createHash('sha256')
          .update(match[1] ?? '')
          .digest('base64')}'`
      : "'none'";
  };
  return `default-src 'none'; style-src ${hash('style')}; script-src ${hash('script')}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/**
 * The report files by URL suffix. A Map, not an object literal: `report.constructor` or
 * `report.__proto__` must find nothing, not Object.prototype's own members.
 */
const FORMATS: ReadonlyMap<string, { type: string; file: 'html' | 'markdown' | 'json' }> = new Map([
  ['html', { type: 'text/html; charset=utf-8', file: 'html' }],
  ['md', { type: 'text/plain; charset=utf-8', file: 'markdown' }],
  ['json', { type: 'application/json; charset=utf-8', file: 'json' }],
]);

/** The request budget as the gate holds it; undefined when Redis does not answer quickly. */
function budgetNow(ctx: ServerContext): Promise<BudgetState | undefined> {
  const reading = readBudget(ctx.redis, storeScope(ctx.config).shared, configuredBudget(ctx.config));
  reading.catch(() => undefined);
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500).unref());
  return Promise.race([reading, timeout]).catch(() => undefined);
}

interface HeldRequest {
  readonly action: HeldAction;
  readonly note?: string;
}

/** A held run's settlement, from the run page's form or a script: `action` (release, discard), `note`. */
function parseHeld(body: unknown): HeldRequest | string {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const action = HELD_ACTIONS.find((known) => known === fields.action);
  if (action === undefined) return `action: expected ${HELD_ACTIONS.join(' or ')}`;
  if (fields.note !== undefined && typeof fields.note !== 'string') return 'note: expected text';
  const note = (fields.note ?? '').trim();
  if (note.length > 1000) return 'note: at most 1000 characters';
  return { action, ...(note ? { note } : {}) };
}

const HELD_PROBLEMS: Readonly<Record<number, string>> = {
  400: 'Bad request',
  404: 'No such run',
  409: 'Not held',
};

/** A settlement refused: `{error}` to a script, a page with the way back to the run to a browser. */
async function heldProblem(
  ctx: ServerContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  status: number,
  text: string,
): Promise<FastifyReply> {
  if (wantsJson(request)) return reply.code(status).send({ error: text });
  const chrome = await chromeFor(ctx, request, reply);
  const back = `/runs/${encodeURIComponent(request.params.id)}`;
  return sendPage(
    reply,
    messagePage(chrome, { title: HELD_PROBLEMS[status] ?? 'Refused', text, back }),
    status,
  );
}

export function runRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/runs', async (request, reply) => {
    const [chrome, runs, budget] = await Promise.all([
      chromeFor(ctx, request, reply),
      ctx.store.listRuns(100),
      budgetNow(ctx),
    ]);
    return sendPage(reply, runsPage(chrome, runs, budgetPanel(budget)));
  });

  app.get<{ Params: { id: string } }>('/runs/:id', async (request, reply) => {
    const [chrome, run] = await Promise.all([
      chromeFor(ctx, request, reply),
      ctx.store.getRun(request.params.id),
    ]);
    if (!run)
      return sendPage(
        reply,
        messagePage(chrome, {
          title: 'No such run',
          text: `There is no run "${request.params.id}".`,
          back: '/runs',
        }),
        404,
      );
    const [page, heldNow] = await Promise.all([
      ctx.store.list({ run: run.id }, { limit: RUN_PAGE_LIMIT }),
      run.held && !run.held.settled ? ctx.store.count({ firstRun: run.id, status: ['held'] }) : undefined,
    ]);
    const proposals = [...page.proposals].sort((a, b) =>
      a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0,
    );
    return sendPage(
      reply,
      runPage(chrome, {
        run,
        proposals,
        more: page.next !== undefined,
        wikidataUrl: ctx.config.wikidata.url,
        heldNow,
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/runs/:id/held', async (request, reply) => {
    const asked = parseHeld(request.body);
    if (typeof asked === 'string') return heldProblem(ctx, request, reply, 400, asked);
    let settled: HeldSettlement;
    try {
      settled = await settleHeldRun(ctx.store, request.params.id, asked.action, asked.note);
    } catch (error) {
      if (!(error instanceof HeldRunError)) throw error;
      return heldProblem(ctx, request, reply, error.code === 'NO_SUCH_RUN' ? 404 : 409, error.message);
    }
    ctx.counts.clear();
    request.log.info(
      { runId: settled.run.id, action: settled.action, proposals: settled.proposals },
      'held run settled',
    );
    if (wantsJson(request))
      return reply.send({ run: settled.run.id, action: settled.action, proposals: settled.proposals });
    return reply.redirect(`/runs/${encodeURIComponent(settled.run.id)}`, 303);
  });

  app.get<{ Params: { id: string; format: string } }>('/runs/:id/report.:format', async (request, reply) => {
    const format = FORMATS.get(request.params.format);
    const run = format ? await ctx.store.getRun(request.params.id) : undefined;
    if (!format || !run) return reply.code(404).type('text/plain; charset=utf-8').send('no such report\n');
    const paths = reportPaths(ctx.config.reports.dir, run.id);
    // A report that is missing (deleted, or a run finalised elsewhere) is written again, streamed.
    if (!(await exists(paths[format.file])))
      await writeReports(ctx.config.reports.dir, run, runProposalStream(ctx.store, run.id));
    reply.type(format.type).header('cache-control', 'no-store');
    // The JSON holds every proposal of the run: sent from the file, never held whole in memory.
    if (format.file === 'json') return reply.send(createReadStream(paths.json));
    const text = await readFile(paths[format.file], 'utf8');
    if (format.file === 'html') reply.header('content-security-policy', reportCsp(text));
    return reply.send(text);
  });
}
