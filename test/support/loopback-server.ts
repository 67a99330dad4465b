// A bare HTTP server on loopback for the tests that need to shape a response byte by byte (a body that
// drips, a chunked body with no length, a gzip bomb): the test writes the handler; the server records
// each request and, for each response, how many body bytes went out before the client hung up.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  /** Body bytes written before the response ended or the socket closed. */
  sent: number;
  /** The response was ended by the server (not cut by the client). */
  finished: boolean;
  /** Resolves when the socket of this response is closed, by either side. */
  closed: Promise<void>;
}

export interface LoopbackServer {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

/** `write` counts the bytes it sends; the handler uses it instead of `res.write`. */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  write: (chunk: Buffer | string) => boolean,
) => void;

export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const exchanges: Exchange[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let markClosed = () => {};
    const exchange: Exchange = {
      sent: 0,
      finished: false,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
    };
    exchanges.push(exchange);
    open.add(res);
    res.on('finish', () => {
      exchange.finished = true;
    });
    res.on('close', () => {
      open.delete(res);
      markClosed();
    });
    handler(req, res, (chunk) => {
      exchange.sent += Buffer.byteLength(chunk);
      return res.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
