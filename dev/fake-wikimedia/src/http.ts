// Moving bytes: reading a request body, and sending a JSON reply the way Wikimedia's servers do
// (JSON content type, gzip when the client accepts it, a content-length) — or, for the truncation
// fault, a valid head and half the body before the connection drops.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { FakeInputError } from './errors.js';
import { FaultSpecError } from './faults.js';

const gzip = promisify(gzipCallback);
const MAX_BODY = 4 * 1024 * 1024;
/**
 * zlib's fastest level. A batch of 50 generated items is ~2.7 MB of JSON, and compressing it is a
 * large share of the fake's CPU: level 1 costs about two thirds of the default level 6 for ~10% more
 * bytes (9.6 against 8.7 KiB an item). Wikimedia's servers gzip too; at which level is theirs to pick.
 */
const GZIP_LEVEL = 1;

/**
 * A body serialised already, in pieces: a big answer is serialised entity by entity as it is built,
 * each piece put in a buffer at once, off the JavaScript heap the garbage collector has to copy.
 */
export class JsonPieces {
  constructor(readonly pieces: readonly Buffer[]) {}
}

const NON_ASCII = /[\u0080-\uffff]+/g;

/** `é` → `\u00e9`: PHP's json_encode, which MediaWiki uses for formatversion=1 (UTF-16 units, lower case). */
function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (run) => {
    let escaped = '';
    for (let i = 0; i < run.length; i++) escaped += `\\u${run.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}

const isAscii = (text: string) => Buffer.byteLength(text, 'utf8') === text.length;

/**
 * JSON as the Action API writes it: under formatversion=1 every non-ASCII character escaped as
 * `\uXXXX` (`Douglas No\u00ebl Adams` in the captures), under formatversion=2 raw UTF-8. An object is
 * written member by member, so only the members with non-ASCII text (labels, titles) are scanned
 * again for escaping, not a big item's statements; ASCII JSON also parses faster on the client.
 */
export function apiJson(value: unknown, fv2: boolean): string {
  if (fv2) return JSON.stringify(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const json = JSON.stringify(value);
    return isAscii(json) ? json : escapeNonAscii(json);
  }
  let members = '';
  for (const [key, member] of Object.entries(value)) {
    const json = JSON.stringify(member);
    if (json === undefined) continue;
    const written = `${JSON.stringify(key)}:${json}`;
    members += `${members ? ',' : ''}${isAscii(written) ? written : escapeNonAscii(written)}`;
  }
  return `{${members}}`;
}

/** What to answer: a status, a JSON body (a value, or JsonPieces) and extra headers. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new HttpError(413, `request body over ${MAX_BODY} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Sends the reply; returns the bytes of body put on the wire (after gzip, before any truncation). */
export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  truncate = false,
): Promise<number> {
  let payload: Buffer =
    reply.body instanceof JsonPieces
      ? Buffer.concat(reply.body.pieces)
      : Buffer.from(JSON.stringify(reply.body), 'utf8');
  const gzipped = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
  if (gzipped) payload = await gzip(payload, { level: GZIP_LEVEL });
  if (res.destroyed || res.socket?.destroyed !== false) return 0;
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
    ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}),
    Vary: 'Accept-Encoding',
    'Cache-Control': 'private, must-revalidate, max-age=0',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
  });
  if (!truncate) {
    res.end(payload);
    return payload.length;
  }
  const half = payload.subarray(0, Math.floor(payload.length / 2));
  const socket = res.socket;
  res.write(half, () => socket.destroy());
  return half.length;
}

/** The reply to an exception: 400 for bad input to the fake, 500 for a bug in it. */
export function failureReply(error: unknown): Reply {
  const bad = error instanceof FakeInputError || error instanceof FaultSpecError;
  const status = error instanceof HttpError ? error.status : bad ? 400 : 500;
  const info = error instanceof Error ? error.message : String(error);
  return { status, body: { error: { code: status === 500 ? 'internal' : 'badrequest', info } } };
}
