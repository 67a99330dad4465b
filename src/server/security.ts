// Who may change things, and how a write proves it is meant. Reading is open; every write (accept,
// reject, refresh, queue changes) needs the token (serve.token / FACTSYNC_TOKEN), carried either by a
// signed-in browser (an HttpOnly, SameSite=Strict cookie derived from the token and the session, set by
// /login) or by a script (`Authorization: Bearer TOKEN`). A browser's form also carries an anti-CSRF
// token (an HMAC of its session cookie), and a write from another site (Origin/Referer) is refused
// whatever it carries. The token itself is never put in a cookie, a page or a log line. Wrong tokens —
// typed into /login or sent as a Bearer header, to any URL — count against one limiter per address.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'factsync_session';
export const AUTH_COOKIE = 'factsync_auth';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const WEEK_SECONDS = 7 * 24 * 3600;

const COOKIE = { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' } as const;

export const TOO_MANY_MESSAGE = 'Too many wrong tokens from this address: wait a minute.';

export const NO_TOKEN_MESSAGE =
  'This factsync server is read-only: no token is configured. Set FACTSYNC_TOKEN (or serve.token in the ' +
  'config) and restart `factsync serve` to accept, reject and refresh from the page.';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function hmac(key: Buffer | string, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

export type WriteCheck =
  | { readonly ok: true; readonly by: 'bearer' | 'cookie' }
  | { readonly ok: false; readonly reason: string; readonly signIn?: boolean };

/**
 * What a request's Authorization header proves: nothing sent (`none`), the token (`right`), something
 * else (`wrong`, counted as a failed try), or nothing, because its address has failed too often
 * (`blocked`: not even compared, so a right token waits out the window like a wrong one).
 */
export type BearerCheck = 'none' | 'right' | 'wrong' | 'blocked';

export class Guard {
  private readonly csrfKey: Buffer;
  private readonly bearers = new WeakMap<FastifyRequest, BearerCheck>();

  constructor(
    private readonly token: string | undefined,
    /** Failed tries per address, shared by /login and Bearer headers. */
    readonly limiter = new SignInLimiter(),
  ) {
    // Derived from the token, so forms stay valid across a restart; random when read-only.
    this.csrfKey = token ? digest(`factsync-csrf-key\0${token}`) : randomBytes(32);
  }

  get tokenConfigured(): boolean {
    return this.token !== undefined;
  }

  sessionOf(request: FastifyRequest): string | undefined {
    const session = request.cookies[SESSION_COOKIE];
    return session && /^[A-Za-z0-9_-]{22,64}$/.test(session) ? session : undefined;
  }

  /** The visitor's session id, creating it (as a cookie on this reply) on a first visit. */
  ensureSession(request: FastifyRequest, reply: FastifyReply): string {
    const existing = this.sessionOf(request);
    if (existing) return existing;
    const session = randomBytes(18).toString('base64url');
    reply.setCookie(SESSION_COOKIE, session, { ...COOKIE, maxAge: WEEK_SECONDS });
    // Later hooks in this request (a page rendered after a redirect-less first visit) see it too.
    request.cookies[SESSION_COOKIE] = session;
    return session;
  }

  csrfToken(session: string): string {
    return hmac(this.csrfKey, `csrf\0${session}`);
  }

  private authValue(session: string): string | undefined {
    return this.token ? hmac(this.token, `auth\0${session}`) : undefined;
  }

  signedIn(request: FastifyRequest): boolean {
    const session = this.sessionOf(request);
    const expected = session ? this.authValue(session) : undefined;
    const presented = request.cookies[AUTH_COOKIE];
    return expected !== undefined && presented !== undefined && sameSecret(expected, presented);
  }

  /** Checks a token typed into /login. */
  tokenMatches(candidate: unknown): boolean {
    return this.token !== undefined && typeof candidate === 'string' && sameSecret(candidate, this.token);
  }

  signIn(session: string, reply: FastifyReply): void {
    const value = this.authValue(session);
    if (value) reply.setCookie(AUTH_COOKIE, value, { ...COOKIE, maxAge: WEEK_SECONDS });
  }

  signOut(reply: FastifyReply): void {
    reply.clearCookie(AUTH_COOKIE, COOKIE);
  }

  /** Whether a form's (or a script's header) anti-CSRF token belongs to this session. */
  csrfValid(request: FastifyRequest): boolean {
    const session = this.sessionOf(request);
    if (!session) return false;
    const body = request.body as Record<string, unknown> | undefined;
    const sent =
      (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ?? request.headers[CSRF_HEADER];
    return typeof sent === 'string' && sameSecret(sent, this.csrfToken(session));
  }

  /** The request's Authorization header, checked once per request (a wrong one counts once). */
  bearer(request: FastifyRequest): BearerCheck {
    const known = this.bearers.get(request);
    if (known) return known;
    const authorization = request.headers.authorization;
    let check: BearerCheck;
    if (authorization === undefined || !this.token) check = 'none';
    else if (this.limiter.blocked(request.ip)) check = 'blocked';
    else {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      check = match?.[1] && sameSecret(match[1], this.token) ? 'right' : 'wrong';
      if (check === 'wrong') this.limiter.failed(request.ip);
    }
    this.bearers.set(request, check);
    return check;
  }

  /** Whether the request carries the token (a bearer header, or a signed-in browser's cookie). */
  mayWrite(request: FastifyRequest): boolean {
    if (!this.token) return false;
    const bearer = this.bearer(request);
    return bearer === 'none' ? this.signedIn(request) : bearer === 'right';
  }

  /**
   * May this request change something? A bearer token is enough (browsers never add one by
   * themselves); a signed-in browser also needs the form's CSRF token, or, for the queue dashboard's
   * own fetch calls (which cannot carry it), an Origin header of this very site.
   */
  checkWrite(request: FastifyRequest, options: { originSuffices: boolean }): WriteCheck {
    if (!this.token) return { ok: false, reason: NO_TOKEN_MESSAGE };
    const bearer = this.bearer(request);
    if (bearer === 'right') return { ok: true, by: 'bearer' };
    if (bearer === 'blocked') return { ok: false, reason: TOO_MANY_MESSAGE };
    if (bearer === 'wrong')
      return { ok: false, reason: 'The Authorization header does not carry the right token.' };
    if (!this.signedIn(request))
      return { ok: false, reason: 'Sign in with the token to change anything.', signIn: true };
    if (this.csrfValid(request)) return { ok: true, by: 'cookie' };
    if (options.originSuffices && request.headers.origin !== undefined && !foreignOrigin(request))
      return { ok: true, by: 'cookie' };
    return {
      ok: false,
      reason: 'The form has expired or did not come from this site: reload the page and try again.',
    };
  }
}

/**
 * A request whose Origin (or, without one, Referer) names another site than the one it was sent to.
 * `Origin: null` (a sandboxed frame, a file) counts as foreign.
 */
export function foreignOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host;
  const origin = request.headers.origin;
  const source = origin ?? request.headers.referer;
  if (source === undefined) return false;
  if (!host) return true;
  try {
    const url = new URL(source);
    return !/^https?:$/.test(url.protocol) || url.host.toLowerCase() !== host.toLowerCase();
  } catch {
    return true;
  }
}

/** Failed sign-ins per client address: a few tries a minute, so a token cannot be guessed online. */
export class SignInLimiter {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
  ) {}

  blocked(address: string, now = Date.now()): boolean {
    const entry = this.failures.get(address);
    if (!entry || entry.until < now) return false;
    return entry.count >= this.maxFailures;
  }

  /** Seconds until a blocked address may try again (at least 1). */
  retryAfterSeconds(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    return Math.max(1, Math.ceil(((entry?.until ?? now) - now) / 1000));
  }

  failed(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (!entry || entry.until < now) this.failures.set(address, { count: 1, until: now + this.windowMs });
    else entry.count++;
    if (this.failures.size > 10_000) this.failures.clear();
  }
}

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
