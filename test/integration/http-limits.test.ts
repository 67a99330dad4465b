// Bounded resources per request: the decompressed body is capped (http.maxBodyBytes) while it streams,
// so a gzip bomb cannot take the worker's memory, and one attempt — connect, headers, the whole body —
// has http.timeoutMs in all, so a body that drips a byte at a time cannot hold a request forever.
// Real loopback server, real Redis gate. The gzip bomb runs first: it measures the process's peak memory.

import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/sources/http-errors.js';
import { expectHttpError, httpRig, testHttpClient } from '../support/http-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const MiB = 1024 * 1024;
const rig = httpRig<LoopbackServer>('http-limits');
const { redis, prefix } = rig;

/** Valid JSON of `size` bytes, mostly spaces, gzipped a megabyte at a time (never whole in memory). */
async function gzipBomb(size: number): Promise<Buffer> {
  const spaces = Buffer.alloc(MiB, ' ');
  async function* json() {
    yield '{"entities":{}';
    for (let left = size - 16; left > 0; left -= MiB) yield left >= MiB ? spaces : spaces.subarray(0, left);
    yield '}';
  }
  const parts: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(json()), createGzip({ level: 9 }), collect);
  return Buffer.concat(parts);
}

/** The most memory this process has held at once, in bytes. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

describe('the decompressed body is bounded by http.maxBodyBytes', () => {
  it('a gzip bomb (200 MiB of JSON in a small gzip) fails with HTTP_TOO_LARGE without being expanded', async () => {
    const bomb = await gzipBomb(200 * MiB);
    expect(bomb.length).toBeLessThan(2 * MiB);
    rig.server = await startLoopbackServer((_req, res, write) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      write(bomb);
      res.end();
    });
    const http = testHttpClient(redis, `${prefix}:bomb`, { maxBodyBytes: 8 * MiB, timeoutMs: 20_000 });
    const before = peakRss();
    const error = await http.getJson(new URL(rig.server.url), 'wbgetentities').catch((e: unknown) => e);
    const grewMiB = (peakRss() - before) / MiB;
    expect(grewMiB).toBeLessThan(100);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: 'HTTP_TOO_LARGE', attempts: 1 });
    expect((error as HttpError).message).toContain('http.maxBodyBytes (8388608 bytes)');
    expect(rig.server.exchanges).toHaveLength(1);
    await http.close();
  });

  it.each([
    ['announced by Content-Length', true],
    ['sent chunked, with no length', false],
  ])('an uncompressed body over the limit, %s, fails with HTTP_TOO_LARGE', async (_name, announced) => {
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(3 * MiB) }));
    rig.server = await startLoopbackServer((_req, res, write) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(announced ? { 'content-length': String(body.length) } : {}),
      });
      for (let at = 0; at < body.length; at += 64 * 1024) write(body.subarray(at, at + 64 * 1024));
      res.end();
    });
    const http = testHttpClient(redis, `${prefix}:plain:${announced}`, { maxBodyBytes: MiB });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'wikipedia-pages'));
    expect(error).toMatchObject({ code: 'HTTP_TOO_LARGE', attempts: 1 });
    expect(error.message).toContain('http.maxBodyBytes (1048576 bytes)');
    expect(rig.server.exchanges).toHaveLength(1);
    await http.close();
  });
});

describe('one attempt has http.timeoutMs in all, body included', () => {
  it('a body that drips a byte every 500 ms fails with HTTP_TIMEOUT, and the client hangs up', async () => {
    const body = `{"entities":{}${' '.repeat(15)}}`; // 30 bytes: 15 s to drip
    rig.server = await startLoopbackServer((_req, res, write) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let at = 0;
      const drip = setInterval(() => {
        write(body.charAt(at++));
        if (at === body.length) res.end();
      }, 500);
      res.on('close', () => clearInterval(drip));
    });
    const http = testHttpClient(redis, `${prefix}:drip`, { timeoutMs: 1_500, retries: 0 });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'wbgetentities'));
    expect(error).toMatchObject({ code: 'HTTP_TIMEOUT', attempts: 1 });
    expect(error.message).toContain('http.timeoutMs');
    const [exchange] = rig.server.exchanges;
    await exchange?.closed;
    expect(exchange).toMatchObject({ finished: false });
    expect(exchange?.sent).toBeLessThan(body.length / 2);
    await http.close();
  });

  it('each retry gets the whole limit again', async () => {
    rig.server = await startLoopbackServer((_req, res, write) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      write('{');
      const drip = setInterval(() => write(' '), 200);
      res.on('close', () => clearInterval(drip));
    });
    const http = testHttpClient(redis, `${prefix}:drip-retries`, { timeoutMs: 600, retries: 2 });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'test'));
    expect(error).toMatchObject({ code: 'HTTP_TIMEOUT', attempts: 3 });
    expect(rig.server.exchanges).toHaveLength(3);
    await Promise.all(rig.server.exchanges.map((exchange) => exchange.closed));
    await http.close();
  });
});
