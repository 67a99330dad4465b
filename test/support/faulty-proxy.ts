// A real HTTP proxy on loopback in front of the fake Wikimedia: it hands each request on untouched, or
// answers it with an error status when the test's rule says so (the first two item requests, every
// request naming a given QID…). It records every request it got, answered or failed: what Wikimedia
// would have counted.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The status to fail a request with (its path and query, its index among all requests), or undefined to pass it on. */
export type FaultRule = (path: string, index: number) => number | undefined;

export interface FaultyProxy {
  readonly url: string;
  /** Paths of every request received, in order. */
  readonly arrivals: string[];
  rule: FaultRule;
  close(): Promise<void>;
}

export async function startFaultyProxy(
  target: string,
  rule: FaultRule = () => undefined,
): Promise<FaultyProxy> {
  const arrivals: string[] = [];
  const proxy: FaultyProxy = {
    url: '',
    arrivals,
    rule,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const status = proxy.rule(path, arrivals.length);
    arrivals.push(path);
    if (status !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`injected HTTP ${status}`);
      return;
    }
    const upstream = http.request(
      new URL(path, target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
