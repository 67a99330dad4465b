// Requests to a server under test exactly as written: node:http sends the path, the Host header and the
// body bytes untouched (fetch would normalise a path, refuse to set Host and re-encode a body).

import { request as httpRequest } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  /** The request target, sent byte for byte (a string is sent as latin1). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export function raw(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { accept: 'text/html', ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A urlencoded form POST, with the given raw body. */
export function postForm(
  baseUrl: string,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return raw(baseUrl, {
    method: 'POST',
    path,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}
