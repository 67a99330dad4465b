// Reading a response body within bounds. The bytes on the wire and the bytes once decompressed are
// both counted while the body streams, and reading stops as soon as either passes the limit: a 2 MB
// gzip that expands to 2 GB costs the limit, never the expansion. An abort signal (the attempt's
// deadline) stops the read wherever it is and closes the connection.

import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';

/** The body passed the limit; `where` says which count did. */
export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly where: 'announced' | 'on the wire' | 'decompressed',
  ) {
    super(`the body is larger than ${limit} bytes ${where}`);
    this.name = 'BodyTooLarge';
  }
}

/** The body is not valid gzip or deflate data (a server or proxy error, not a network one). */
export class BodyNotDecodable extends Error {
  constructor(readonly reason: string) {
    super(`the body does not decompress (${reason})`);
    this.name = 'BodyNotDecodable';
  }
}

export interface BodyBounds {
  contentEncoding: string | string[] | undefined;
  contentLength: string | string[] | undefined;
  maxBytes: number;
  signal: AbortSignal;
  /** Told of every chunk read off the wire, so a body cut short still counts in the stats. */
  onWireBytes: (bytes: number) => void;
}

/** The whole body, decoded, or a throw: BodyTooLarge, BodyNotDecodable, or the transport's error. */
export async function readBoundedBody(body: Readable, bounds: BodyBounds): Promise<Buffer> {
  const announced = Number(first(bounds.contentLength));
  if (announced > bounds.maxBytes) {
    body.destroy();
    throw new BodyTooLarge(bounds.maxBytes, 'announced');
  }
  let wire = 0;
  async function* counted(source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      wire += chunk.length;
      bounds.onWireBytes(chunk.length);
      if (wire > bounds.maxBytes) throw new BodyTooLarge(bounds.maxBytes, 'on the wire');
      yield chunk;
    }
  }
  const parts: Buffer[] = [];
  let kept = 0;
  async function collect(source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      kept += chunk.length;
      if (kept > bounds.maxBytes) throw new BodyTooLarge(bounds.maxBytes, 'decompressed');
      parts.push(chunk);
    }
  }
  const decoder = decoderFor(bounds.contentEncoding, bounds.contentLength);
  try {
    if (decoder) await pipeline(body, counted, decoder, collect, { signal: bounds.signal });
    else await pipeline(body, counted, collect, { signal: bounds.signal });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('Z_')) throw new BodyNotDecodable((error as Error).message);
    throw error;
  }
  return Buffer.concat(parts, kept);
}

/** Reads and drops the body of an answer that is not one (a 5xx page, a redirect), up to `maxBytes`. */
export async function discardBody(body: Readable, bounds: Omit<BodyBounds, 'contentEncoding'>) {
  try {
    await readBoundedBody(body, { ...bounds, contentEncoding: undefined });
  } catch {
    // The status already says what went wrong; an error page too long or cut short adds nothing.
    body.destroy();
  }
}

/**
 * Output chunks of 256 KiB, not zlib's 16 KiB, for a large body: a wbgetentities answer decompresses to
 * ~2.7 MB, and each chunk is one more trip through the pipeline; at 16 KiB streaming took about twice
 * gunzipSync's CPU (bench/parse-floor.ts). A body announced small (a revision check, a page of titles)
 * keeps the default, so it does not allocate a 256 KiB buffer for a few KiB. The limit is still checked
 * chunk by chunk: a bomb costs a chunk past it.
 */
const DECODED_CHUNK_BYTES = 256 * 1024;
const SMALL_BODY_BYTES = 8 * 1024;

function decoderFor(
  encoding: string | string[] | undefined,
  contentLength: string | string[] | undefined,
): Transform | undefined {
  const value = first(encoding)?.trim().toLowerCase();
  const announced = Number(first(contentLength));
  const options = announced > 0 && announced < SMALL_BODY_BYTES ? {} : { chunkSize: DECODED_CHUNK_BYTES };
  if (value === 'gzip' || value === 'x-gzip') return createGunzip(options);
  if (value === 'deflate') return createInflate(options);
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
