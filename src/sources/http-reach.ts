// Whether a host can be reached at all. A request that fails before any byte of HTTP — the name does not
// resolve, the connection is refused, there is no route, connecting times out — says nothing about
// Wikimedia and everything about the network: retrying it as a server error (long backoff, a budget
// token each try, every batch on its own) kept an offline `sync` busy for four minutes. Here such a
// failure is told apart, the host is probed with a bare TCP connect (no HTTP request, so no budget is
// spent on it) a couple of times, and a host that stays unreachable is recorded where every request of
// the same run sees it, so the rest of the run fails at once instead of each request finding out again.

import { connect } from 'node:net';
import { HttpError } from './http-errors.js';

/** How long connecting may take, for a request and for a probe: a handshake with Wikimedia takes well under a second. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Waits before each probe of a host that could not be reached: a brief blip (Wi-Fi waking up) gets a second chance. */
export const PROBE_DELAYS_MS: readonly number[] = [250, 1_000];

/**
 * How long a probe may take to connect. Shorter than a request's connect timeout: the host has just
 * failed to answer, and a network that drops packets would otherwise hold each host for 15 s.
 */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * The codes of failures to reach a host at all (Node's getaddrinfo and socket errors, undici's connect
 * timeout). ETIMEDOUT counts only on `connect`: elsewhere it is a connection that went silent.
 * Sources: Node's "Common system errors" (https://nodejs.org/api/errors.html#common-system-errors:
 * ENOTFOUND is a DNS failure, EAI_NODATA or EAI_NONAME; ECONNREFUSED the target refused), libuv's errno
 * map (EAI_AGAIN "temporary failure", EAI_FAIL "permanent failure"), connect(2)'s ENETUNREACH,
 * EHOSTUNREACH, ENETDOWN, EHOSTDOWN (no route to the network or host), and undici's Errors.md
 * (UND_ERR_CONNECT_TIMEOUT: the socket is destroyed by the connect timeout).
 */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface SystemError {
  code?: string;
  syscall?: string;
  /** Node's happy-eyeballs connect gives an AggregateError of one error per address tried. */
  errors?: SystemError[];
}

/** The code of a failure to reach the host at all (`ENOTFOUND`, `ECONNREFUSED`…), or undefined for any other failure. */
export function unreachableCode(error: unknown): string | undefined {
  const failure = error as SystemError | undefined;
  const tried = [failure, ...(failure?.errors ?? [])];
  for (const e of tried) {
    const code = e?.code;
    if (code && UNREACHABLE.has(code)) return code;
    if (code === 'ETIMEDOUT' && e?.syscall === 'connect') return code;
  }
  return undefined;
}

/** What an unreachable host means, for people: "cannot resolve www.wikidata.org (ENOTFOUND)". */
export function unreachableReason(host: string, code: string): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `cannot resolve ${host} (${code})`;
    case 'EAI_AGAIN':
      return `cannot resolve ${host} (${code}: no name server answered)`;
    case 'ECONNREFUSED':
      return `${host} refused the connection (${code})`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `connecting to ${host} timed out (${code})`;
    default:
      return `no route to ${host} (${code})`;
  }
}

/** The port a URL connects to. */
function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Opens and closes a TCP connection to the URL's host: undefined when it connects, else why not (the error code). */
export function probe(url: URL, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  // URL keeps the brackets of an IPv6 literal; connect wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port: portOf(url), timeout: timeoutMs });
    const settle = (code: string | undefined) => {
      socket.destroy();
      resolve(code);
    };
    socket.once('connect', () => settle(undefined));
    socket.once('timeout', () => settle('ETIMEDOUT'));
    socket.once('error', (error) =>
      settle(unreachableCode(error) ?? (error as SystemError).code ?? 'ECONNRESET'),
    );
  });
}

/** Probes `url`'s host after each of PROBE_DELAYS_MS: undefined as soon as it accepts a connection, else the last code. */
async function stillUnreachable(url: URL, code: string, timeoutMs: number): Promise<string | undefined> {
  let last = code;
  for (const delay of PROBE_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const now = await probe(url, timeoutMs);
    if (now === undefined) return undefined;
    last = now;
  }
  return last;
}

/** The failure of a request to a host the run already found unreachable (no try), or undefined. */
export async function knownUnreachable(
  url: URL,
  endpoint: string,
  tries: number,
  hosts: UnreachableHosts | undefined,
): Promise<HttpError | undefined> {
  const known = await hosts?.reason(url.host);
  if (known === undefined) return undefined;
  return new HttpError('HTTP_UNREACHABLE', endpoint, url.href, tries, `${known}, found earlier in this run`);
}

/**
 * After a try that could not reach the host (`code`): probes it (a TCP connect, outside the gate: no
 * request is sent). Undefined when it answers, so the request is tried again through the gate; else
 * the request's failure, the host recorded as unreachable for the run.
 */
export async function confirmedUnreachable(
  url: URL,
  endpoint: string,
  tries: number,
  code: string,
  hosts: UnreachableHosts | undefined,
  probeMs: number,
): Promise<HttpError | undefined> {
  const last = await stillUnreachable(url, code, probeMs);
  if (last === undefined) return undefined;
  const reason = unreachableReason(url.host, last);
  await hosts?.record(url.host, reason);
  return new HttpError('HTTP_UNREACHABLE', endpoint, url.href, tries, reason);
}

/**
 * Hosts found unreachable, shared by everything working for one run (every batch, every worker
 * process): once a host is in, its requests fail at once with the recorded reason.
 */
export interface UnreachableHosts {
  /** Why `host` was found unreachable, or undefined when it was not. */
  reason(host: string): Promise<string | undefined>;
  record(host: string, reason: string): Promise<void>;
}
