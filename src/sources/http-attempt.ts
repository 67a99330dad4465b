// One try of a request, as plain data: send it on the client's pool, read the whole answer within the
// deadline and the size limit, and tell what it came to (http-answer.ts) — an answer, throttling, or a
// failure with its code. Throws nothing: transport, deadline and size failures become a Failure.
// Counting, retries, waiting out throttling and the per-process slots are the client's (http.ts).

import { type Agent, request } from 'undici';
import { type AnswerCheck, type Attempt, type Failure, notAnAnswer, readAnswer } from './http-answer.js';
import { BodyNotDecodable, BodyTooLarge, discardBody, readBoundedBody } from './http-body.js';
import { transportCode } from './http-errors.js';
import type { RequestGate } from './http-gate.js';
import { unreachableCode } from './http-reach.js';

/** What a try needs of the client: its pool, its limits and the gate that learns from every answer. */
export interface AttemptSettings {
  readonly agent: Agent;
  readonly gate: RequestGate;
  /** The most one attempt may take in all: connect, headers, the whole body and its decompression. */
  readonly timeoutMs: number;
  /** The largest body accepted, on the wire and once decompressed (http.maxBodyBytes). */
  readonly maxBodyBytes: number;
}

/** Enough of an error page to keep the connection for the next request; more is dropped with it. */
const ERROR_PAGE_BYTES = 64 * 1024;

/** One try of `url`; `onWireBytes` hears of every byte received, as it arrives. */
export async function attemptOnce<T>(
  settings: AttemptSettings,
  url: URL,
  headers: Record<string, string>,
  onWireBytes: (bytes: number) => void,
  check: AnswerCheck | undefined,
): Promise<Attempt<T>> {
  // undici's timeouts count silence, so a body dripping a byte a second would never end: one
  // deadline bounds the whole attempt, and aborting it closes the connection.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
  try {
    return await answer<T>(settings, url, headers, deadline.signal, onWireBytes, check);
  } catch (error) {
    return failureOf(settings, error, deadline.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}

/** One request and its whole body; throws transport, deadline and size failures for failureOf. */
async function answer<T>(
  settings: AttemptSettings,
  url: URL,
  requestHeaders: Record<string, string>,
  signal: AbortSignal,
  onWireBytes: (bytes: number) => void,
  check: AnswerCheck | undefined,
): Promise<Attempt<T>> {
  const response = await request(url, {
    method: 'GET',
    headers: requestHeaders,
    dispatcher: settings.agent,
    signal,
  });
  const { statusCode: status, headers } = response;
  // Every process learns what the server says of the allowance (RateLimit headers, a 429).
  await settings.gate.observe(status, headers);
  const bounds = { contentLength: headers['content-length'], signal, onWireBytes };
  if (status !== 200) {
    await discardBody(response.body, { ...bounds, maxBytes: ERROR_PAGE_BYTES });
    return notAnAnswer(status, headers);
  }
  const raw = await readBoundedBody(response.body, {
    ...bounds,
    contentEncoding: headers['content-encoding'],
    maxBytes: settings.maxBodyBytes,
  });
  return readAnswer<T>(raw.toString('utf8'), headers, check);
}

function failureOf(settings: AttemptSettings, error: unknown, pastDeadline: boolean): Failure {
  const { timeoutMs, maxBodyBytes } = settings;
  if (pastDeadline) {
    const detail = `no whole answer within http.timeoutMs (${timeoutMs} ms, body included)`;
    return { ok: false, code: 'HTTP_TIMEOUT', retryable: true, detail };
  }
  if (error instanceof BodyTooLarge) {
    const detail = `the body is larger than http.maxBodyBytes (${maxBodyBytes} bytes) ${error.where}; reading stopped there (raise http.maxBodyBytes if answers this large are real)`;
    return { ok: false, code: 'HTTP_TOO_LARGE', retryable: false, status: 200, detail };
  }
  if (error instanceof BodyNotDecodable) {
    return { ok: false, code: 'HTTP_BAD_BODY', retryable: true, status: 200, detail: error.message };
  }
  const unreachable = unreachableCode(error);
  return {
    ok: false,
    code: transportCode(error),
    retryable: true,
    detail: (error as Error).message,
    ...(unreachable ? { unreachable } : {}),
  };
}
