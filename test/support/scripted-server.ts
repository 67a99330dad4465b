// A real HTTP server on loopback that answers from a script: each request takes the next scripted
// response (status, headers, body, a delay, a cut-off body, or no answer at all), and every request is
// recorded with its arrival time and headers — enough to test retries, throttling and limits.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Milliseconds before answering. */
  delayMs?: number;
  /** Announce the full length, send half, then cut the connection. */
  truncate?: boolean;
  /** Never answer (until the server closes). */
  hang?: boolean;
  gzip?: boolean;
}

export interface Arrival {
  at: number;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface ScriptedServer {
  url: string;
  arrivals: Arrival[];
  /** Requests being answered right now, and the most there ever were at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startScriptedServer(
  script: Scripted[] | ((index: number) => Scripted),
): Promise<ScriptedServer> {
  const arrivals: Arrival[] = [];
  const responses = new Set<ServerResponse>();
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    const index = arrivals.length;
    arrivals.push({ at: Date.now(), url: req.url ?? '', headers: req.headers });
    const step = typeof script === 'function' ? script(index) : (script[index] ?? script.at(-1) ?? {});
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    responses.add(res);
    res.on('close', () => {
      inFlight--;
      responses.delete(res);
    });
    if (step.hang) return;
    setTimeout(() => {
      const text = typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? {});
      const payload = step.gzip ? gzipSync(text) : Buffer.from(text);
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        ...(step.gzip ? { 'content-encoding': 'gzip' } : {}),
        ...step.headers,
      };
      res.writeHead(step.status ?? 200, { ...headers, 'content-length': String(payload.length) });
      if (step.truncate) {
        res.write(payload.subarray(0, Math.floor(payload.length / 2)));
        setTimeout(() => res.destroy(), 5);
      } else res.end(payload);
    }, step.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    get maxInFlight() {
      return state.maxInFlight;
    },
    async close() {
      for (const res of responses) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
