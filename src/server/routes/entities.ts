// GET /entities/:key (its record, its proposals over time, a refresh's live progress),
// POST /entities/:key/refresh ("Refresh now") and GET /api/runs/:id/progress (what the page polls).

import type { FastifyInstance } from 'fastify';
import { findLocalRecord } from '../../local/read/find-record.js';
import { recordKeyProblem } from '../../model/record.js';
import { chromeFor, type ServerContext, sendPage, wantsJson } from '../context.js';
import { findEntityRecord } from '../entity-record.js';
import { doneMessage, refreshEntity, runStatus } from '../refresh.js';
import { entityPage } from '../views/entity.js';
import type { Flash } from '../views/layout.js';
import { messagePage } from '../views/messages.js';
import { reviewFlash } from './proposals.js';

const ENTITY_PAGE_LIMIT = 200;
const RUN_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function runParam(value: unknown): string | undefined {
  return typeof value === 'string' && RUN_ID.test(value) ? value : undefined;
}

export function entityRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { key: string }; Querystring: Record<string, unknown> }>(
    '/entities/:key',
    async (request, reply) => {
      const { key } = request.params;
      const [chrome, record, page] = await Promise.all([
        chromeFor(ctx, request, reply),
        findEntityRecord(key, ctx.local, ctx.localIndex, ctx.config),
        ctx.store.list({ entity: key }, { limit: ENTITY_PAGE_LIMIT }),
      ]);
      if (!record.found && !record.error && page.proposals.length === 0)
        return sendPage(
          reply,
          messagePage(chrome, {
            title: 'No such entity',
            text: `"${key}" is neither a record of the local store nor an entity with proposals (${record.reason}).`,
          }),
          404,
        );
      const refreshed = runParam(request.query.refreshed);
      let flash: Flash | undefined = reviewFlash(request.query);
      if (refreshed) {
        const run = await ctx.store.getRun(refreshed);
        if (run) flash = { text: `Refresh ${doneMessage(run).replace(/^./, (c) => c.toLowerCase())}` };
      }
      if (request.query.pending === '1')
        flash = {
          text: 'A refresh of this entity is already waiting (queued elsewhere): reload in a moment.',
          tone: 'warn',
        };
      return sendPage(
        reply,
        entityPage(chrome, {
          key,
          record,
          proposals: page.proposals,
          more: page.next !== undefined,
          fields: ctx.config.fields,
          wikidataUrl: ctx.config.wikidata.url,
          wikipediaUrl: ctx.config.wikipedia.url,
          refreshRun: runParam(request.query.run),
          flash,
        }),
      );
    },
  );

  app.post<{ Params: { key: string } }>('/entities/:key/refresh', async (request, reply) => {
    const { key } = request.params;
    const problem = recordKeyProblem(key);
    if (problem !== undefined) return reply.code(400).send({ error: `entity: ${problem}` });
    // A key that names no record is refused before anything is claimed or queued: a run for it would
    // find nothing to compare (an unreadable card is still refreshed: its run reports why).
    const record = await findLocalRecord(key, ctx.local, ctx.localIndex, ctx.config);
    if (!record.found && !record.error) {
      const text = `Nothing was queued: ${record.reason}.`;
      if (wantsJson(request)) return reply.code(404).send({ error: `entity: ${record.reason}` });
      const chrome = await chromeFor(ctx, request, reply);
      return sendPage(reply, messagePage(chrome, { title: 'No such entity', text }), 404);
    }
    const refresh = await refreshEntity(ctx, key);
    request.log.info({ entity: key, runId: refresh.runId, queued: refresh.queued }, 'refresh requested');
    if (wantsJson(request)) return reply.code(refresh.queued ? 202 : 200).send(refresh);
    const page = `/entities/${encodeURIComponent(key)}`;
    return reply.redirect(
      refresh.runId ? `${page}?run=${encodeURIComponent(refresh.runId)}` : `${page}?pending=1`,
      303,
    );
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/progress', async (request, reply) => {
    const status = RUN_ID.test(request.params.id) ? await runStatus(ctx, request.params.id) : undefined;
    reply.header('cache-control', 'no-store');
    if (!status) return reply.code(404).send({ error: `no run "${request.params.id}"` });
    return reply.send(status);
  });

  // A page for a URL that names no entity, rather than a bare 404 (the nav stays).
  app.get('/entities', async (request, reply) => {
    const chrome = await chromeFor(ctx, request, reply);
    return sendPage(
      reply,
      messagePage(chrome, {
        title: 'Entities',
        text: 'Open an entity from the proposals list, or go to /entities/KEY.',
      }),
    );
  });
}
