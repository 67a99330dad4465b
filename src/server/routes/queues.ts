// /queues: the bull-board dashboard for the `runs` and `batches` queues (under the configured prefix).
// bull-board cannot be read-only per request, so it is mounted writable and guarded here: its
// mutating API (POST/PUT/DELETE/PATCH under /queues/api) needs the token like every other write (the
// server's preHandler), and for a visitor without it the queue list it serves says `readOnlyMode`, so
// the dashboard hides its buttons.

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export const QUEUES_PATH = '/queues';

/** Marks every queue of bull-board's `GET /queues/api/queues` answer read-only. */
export function readOnlyQueues(payload: string): string {
  try {
    const answer = JSON.parse(payload) as { queues?: Array<Record<string, unknown>> };
    for (const queue of answer.queues ?? []) {
      queue.readOnlyMode = true;
      queue.allowRetries = false;
      queue.allowCompletedRetries = false;
    }
    return JSON.stringify(answer);
  } catch {
    return payload;
  }
}

export async function queueRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(ctx.runs), new BullMQAdapter(ctx.batches)],
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: 'factsync queues',
        miscLinks: [
          { text: 'Proposals', url: '/proposals' },
          { text: 'Runs', url: '/runs' },
        ],
      },
    },
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method !== 'GET' || path !== `${QUEUES_PATH}/api/queues` || typeof payload !== 'string')
      return payload;
    return ctx.guard.mayWrite(request) ? payload : readOnlyQueues(payload);
  });
  await app.register(adapter.registerPlugin(), { prefix: QUEUES_PATH });
}
