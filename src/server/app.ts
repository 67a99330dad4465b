// `factsync serve`: the review page and the queue dashboard, one Fastify application. Pages are
// rendered on the server (src/server/views); the only script is /assets/app.js. Every write passes
// the guard (src/server/security.ts); every response carries a strict Content-Security-Policy.

import cookie from '@fastify/cookie';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { ProgressTracker, RefreshTracker } from '../jobs/progress.js';
import { BATCH_QUEUE, openQueue, queueSettings, RUN_QUEUE } from '../jobs/queues.js';
import { LocalKeyIndex } from '../local/read/key-index.js';
import { StoreError } from '../sinks/store-rows.js';
import { SCRIPT, STYLE } from './assets.js';
import { chromeFor, type ServerContext, type ServerDeps, sendPage, wantsJson } from './context.js';
import { CountCache } from './counts.js';
import {
  configuredHostRules,
  frameworkErrors,
  HEALTH_PATH,
  registerRequestChecks,
} from './request-checks.js';
import { authRoutes } from './routes/auth.js';
import { entityRoutes } from './routes/entities.js';
import { proposalRoutes } from './routes/proposals.js';
import { QUEUES_PATH, queueRoutes } from './routes/queues.js';
import { runRoutes } from './routes/runs.js';
import { foreignOrigin, Guard } from './security.js';
import { messagePage } from './views/messages.js';

export type { ServerDeps } from './context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
// bull-board's page sets <base href> and inline styles on its loading screen; its scripts are files.
const QUEUES_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; " +
  "object-src 'none'";

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

async function refuse(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  reason: string,
  signIn = false,
): Promise<FastifyReply> {
  request.log.warn({ method: request.method, path: pathOf(request) }, `write refused: ${reason}`);
  if (
    wantsJson(request) ||
    pathOf(request).startsWith(`${QUEUES_PATH}/api/`) ||
    pathOf(request).startsWith('/api/')
  )
    return reply.code(403).header('cache-control', 'no-store').send({ error: reason });
  const chrome = await chromeFor(ctx, request, reply);
  const back = pathOf(request).startsWith('/entities/')
    ? pathOf(request).replace(/\/refresh$/, '')
    : '/proposals';
  return sendPage(reply, messagePage(chrome, { title: 'Not allowed', text: reason, signIn, back }), 403);
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const settings = queueSettings(deps.config, deps.redis);
  const ctx: ServerContext = {
    ...deps,
    settings,
    localIndex: deps.local ? new LocalKeyIndex(deps.local) : undefined,
    guard: new Guard(deps.config.serve.token),
    counts: new CountCache(deps.store),
    runs: openQueue(settings, RUN_QUEUE),
    batches: openQueue(settings, BATCH_QUEUE),
    progress: new ProgressTracker(deps.redis, settings.prefix),
    refreshes: new RefreshTracker(deps.redis, settings.prefix),
  };
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'serve' }) as FastifyBaseLogger,
    // No line per request (they would carry cookies' owners' addresses and little else); errors still log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    frameworkErrors,
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([ctx.runs.close(), ctx.batches.close()]);
  });
  await app.register(cookie);
  // First of all: the Host header, NUL and UTF-8 in parameters and bodies, too many wrong tokens.
  registerRequestChecks(app, ctx.guard, configuredHostRules(deps.config.serve));

  // Writes from another site are refused before anything else, whatever they carry.
  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || !foreignOrigin(request)) return;
    return refuse(ctx, request, reply, 'A change sent from another site is refused.');
  });
  // Every write needs the token (once the body, with its anti-CSRF token, is parsed).
  app.addHook('preHandler', async (request, reply) => {
    const path = pathOf(request);
    if (SAFE_METHODS.has(request.method) || path === '/login' || path === '/logout') return;
    const check = ctx.guard.checkWrite(request, { originSuffices: path.startsWith(`${QUEUES_PATH}/api/`) });
    if (!check.ok) return refuse(ctx, request, reply, check.reason, check.signIn);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy'))
      reply.header(
        'content-security-policy',
        pathOf(request).startsWith(QUEUES_PATH) ? QUEUES_CSP : PAGE_CSP,
      );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const clientError =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
    const status =
      error instanceof StoreError && (error.code === 'BAD_CURSOR' || error.code === 'BAD_ARGUMENT')
        ? 400
        : clientError
          ? (error.statusCode as number)
          : 500;
    if (status >= 500) request.log.error({ err: error, path: pathOf(request) }, 'request failed');
    const text =
      status >= 500 ? 'Something went wrong on the server; the log has the details.' : error.message;
    if (wantsJson(request) || request.method !== 'GET') return reply.code(status).send({ error: text });
    const chrome = await chromeFor(ctx, request, reply).catch(() => undefined);
    if (!chrome) return reply.code(status).type('text/plain; charset=utf-8').send(`${text}\n`);
    return sendPage(
      reply,
      messagePage(chrome, { title: status >= 500 ? 'Server error' : 'Bad request', text }),
      status,
    );
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (wantsJson(request) || request.method !== 'GET') return reply.code(404).send({ error: 'not found' });
    const chrome = await chromeFor(ctx, request, reply);
    return sendPage(
      reply,
      messagePage(chrome, { title: 'Not found', text: `Nothing at ${pathOf(request)}.` }),
      404,
    );
  });

  app.get('/', async (_request, reply) => reply.redirect('/proposals', 302));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  app.get(HEALTH_PATH, async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'));
  app.get('/assets/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(STYLE),
  );
  app.get('/assets/app.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(SCRIPT),
  );
  authRoutes(app, ctx);
  proposalRoutes(app, ctx);
  runRoutes(app, ctx);
  entityRoutes(app, ctx);
  await queueRoutes(app, ctx);
  return app;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(
  deps: ServerDeps,
  listen: { port: number; host: string },
): Promise<RunningServer> {
  const app = await buildServer(deps);
  await app.listen({ port: listen.port, host: listen.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
