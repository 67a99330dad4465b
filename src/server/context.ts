// What the routes share: the stores and queues the server was given, the guard, and the page frame
// (session, anti-CSRF token, nav counts) computed for each page.

import type { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { LocalSource } from '../local/read/index.js';
import type { LocalKeyIndex } from '../local/read/key-index.js';
import type { Logger } from '../log.js';
import type { ProposalStore } from '../sinks/store.js';
import type { CountCache } from './counts.js';
import type { RefreshDeps } from './refresh.js';
import type { Guard } from './security.js';
import type { Chrome, NavCounts } from './views/layout.js';

export interface ServerDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly store: ProposalStore;
  /** factsync's Redis (queues, progress, refresh claims); the server never closes it. */
  readonly redis: Redis;
  /** The local store; absent when local.path cannot be opened (entity pages then say so). */
  readonly local?: LocalSource | undefined;
}

export interface ServerContext extends ServerDeps, RefreshDeps {
  /** Where each record of `local` is, by key and QID (built on the first lookup). */
  readonly localIndex: LocalKeyIndex | undefined;
  readonly guard: Guard;
  readonly counts: CountCache;
  readonly runs: Queue;
  readonly batches: Queue;
}

const QUEUED_STATES = ['waiting', 'prioritized', 'active', 'waiting-children', 'delayed'] as const;

/** Jobs waiting or in hand; undefined when Redis does not answer quickly (the page must not hang). */
async function queuedJobs(ctx: ServerContext): Promise<number | undefined> {
  const counting = Promise.all(
    [ctx.runs, ctx.batches].map(async (queue) => {
      const counts = await queue.getJobCounts(...QUEUED_STATES);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    }),
  ).then((totals) => totals.reduce((a, b) => a + b, 0));
  counting.catch(() => undefined);
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500).unref());
  return Promise.race([counting, timeout]).catch(() => undefined);
}

async function navCounts(ctx: ServerContext): Promise<NavCounts> {
  const [open, runs, queued] = await Promise.all([
    ctx.counts.count({ status: ['open'] }),
    ctx.store.listRuns(20),
    queuedJobs(ctx),
  ]);
  return {
    open,
    running: runs.filter((run) => run.status === 'running').length,
    ...(runs[0] ? { lastRun: { status: runs[0].status, created: runs[0].proposals.created } } : {}),
    ...(queued === undefined ? {} : { queued }),
  };
}

export async function chromeFor(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Chrome> {
  const session = ctx.guard.ensureSession(request, reply);
  return {
    csrf: ctx.guard.csrfToken(session),
    signedIn: ctx.guard.signedIn(request),
    tokenConfigured: ctx.guard.tokenConfigured,
    nav: await navCounts(ctx),
    here: request.url,
  };
}

/** Sends a page: HTML, never cached (it carries the anti-CSRF token). */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/** Whether the client asked for JSON rather than a page (scripts, the page's own fetch calls). */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const type = request.headers['content-type'] ?? '';
  return (
    type.startsWith('application/json') ||
    (accept.includes('application/json') && !accept.includes('text/html'))
  );
}
