// GET /login, POST /login (the token → an HttpOnly, SameSite=Strict cookie bound to the session) and
// POST /logout. The token is compared in constant time and never echoed, stored or logged.

import type { FastifyInstance } from 'fastify';
import { chromeFor, type ServerContext, sendPage } from '../context.js';
import { localPath } from '../html.js';
import { TOO_MANY_MESSAGE } from '../security.js';
import { loginPage, messagePage } from '../views/messages.js';

export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Shared with Bearer headers: guessing through either counts against the same address.
  const { limiter } = ctx.guard;

  app.get<{ Querystring: Record<string, unknown> }>('/login', async (request, reply) => {
    const chrome = await chromeFor(ctx, request, reply);
    return sendPage(reply, loginPage(chrome, localPath(request.query.next, '/proposals')));
  });

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = localPath(body.next, '/proposals');
    const chrome = await chromeFor(ctx, request, reply);
    if (!ctx.guard.tokenConfigured) return sendPage(reply, loginPage(chrome, next), 403);
    if (!ctx.guard.csrfValid(request))
      return sendPage(
        reply,
        loginPage(chrome, next, 'The form expired (or cookies are off): sign in again.'),
        403,
      );
    if (limiter.blocked(request.ip)) {
      reply.header('retry-after', String(limiter.retryAfterSeconds(request.ip)));
      return sendPage(reply, loginPage(chrome, next, TOO_MANY_MESSAGE), 429);
    }
    if (!ctx.guard.tokenMatches(body.token)) {
      limiter.failed(request.ip);
      request.log.warn({ ip: request.ip }, 'sign-in with a wrong token');
      return sendPage(reply, loginPage(chrome, next, 'That is not the token: try again.'), 401);
    }
    const session = ctx.guard.sessionOf(request);
    if (session) ctx.guard.signIn(session, reply);
    request.log.info({ ip: request.ip }, 'signed in');
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (request, reply) => {
    if (!ctx.guard.csrfValid(request)) {
      const chrome = await chromeFor(ctx, request, reply);
      return sendPage(
        reply,
        messagePage(chrome, { title: 'Not signed out', text: 'The form expired: reload and try again.' }),
        403,
      );
    }
    ctx.guard.signOut(reply);
    return reply.redirect('/proposals', 303);
  });
}
