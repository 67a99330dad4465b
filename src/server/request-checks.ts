// What every request passes before any route sees it, in this order: the Host header names this server
// (DNS rebinding, 421); the path, query and body hold no NUL and only UTF-8 (400, before any store
// query); an address that has sent too many wrong tokens is told to wait (429 with Retry-After).
// /healthz answers whatever the Host: Docker's health check may name the container, and it carries
// nothing but "ok".

import { isUtf8 } from 'node:buffer';
import os from 'node:os';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { wantsJson } from './context.js';
import { type HostRule, hostAllowed, hostRules } from './hosts.js';
import { jsonProblem, pairsProblem, parseForm, targetProblem } from './parameters.js';
import { type Guard, TOO_MANY_MESSAGE } from './security.js';

export const HEALTH_PATH = '/healthz';

/** A client error with its status, for the server's error handler (which shows its message). */
export class RequestProblem extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestProblem';
  }
}

/** The Host rules of a configuration, on this machine. */
export function configuredHostRules(serve: Config['serve']): HostRule[] {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .map((entry) => entry?.address)
    .filter((address): address is string => typeof address === 'string');
  return hostRules(serve, { hostname: os.hostname(), addresses });
}

/** Replies without the page frame: its nav counts are data, and these requests get none. */
function bare(request: FastifyRequest, reply: FastifyReply, status: number, text: string): FastifyReply {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson(request)) return reply.send({ error: text });
  return reply.type('text/plain; charset=utf-8').send(`${text}\n`);
}

/** Fastify's own refusals (a path that does not decode, a parameter over its length), in our words. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_BAD_URL' ? 400 : (error.statusCode ?? 500);
  const text =
    error.code === 'FST_ERR_BAD_URL'
      ? `${targetProblem(request.raw.url ?? '') ?? 'the path is not a valid URL'}.`
      : status < 500
        ? error.message
        : 'Something went wrong on the server; the log has the details.';
  bare(request, reply, status, text);
}

export function registerRequestChecks(app: FastifyInstance, guard: Guard, rules: readonly HostRule[]): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) return;
    if (!hostAllowed(request.headers.host, rules)) {
      request.log.warn({ host: request.headers.host?.slice(0, 200) }, 'request for another host refused');
      const shown = JSON.stringify((request.headers.host ?? '').slice(0, 200));
      return bare(
        request,
        reply,
        421,
        `This server does not answer to the host ${shown}. If that is its name, add it to serve.allowedHosts (FACTSYNC_ALLOWED_HOSTS).`,
      );
    }
    const problem = targetProblem(request.raw.url ?? '/');
    if (problem) throw new RequestProblem(400, `${problem}.`);
    if (guard.bearer(request) === 'blocked') {
      reply.header('retry-after', String(guard.limiter.retryAfterSeconds(request.ip)));
      return bare(request, reply, 429, TOO_MANY_MESSAGE);
    }
  });

  // Bodies are checked as bytes, before a lenient decoder turns bad bytes into U+FFFD.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (_request, body: Buffer, done) => {
      const problem = pairsProblem(body, 'form field');
      if (problem) return done(new RequestProblem(400, `${problem}.`), undefined);
      done(null, parseForm(body.toString('utf8')));
    },
  );
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new RequestProblem(400, 'the JSON body is not valid UTF-8.'), undefined);
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (error) return done(error, undefined);
      const problem = jsonProblem(value);
      if (problem) return done(new RequestProblem(400, `${problem}.`), undefined);
      done(null, value);
    });
  });
}
