// The "one request per entity" baseline of the sync benchmark: what most scripts do — a loop asking
// wbgetentities for ONE id at a time, a few requests in flight — run in a child process of its own
// (`bench/sync.ts --child per-entity …`) against the same fake Wikimedia. It asks for the same props,
// language and site as factsync's full fetch, so the bytes compare; it does not fetch Wikipedia pages
// or the labels of referenced items, which a real script would also need (a lower bound, then).

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Agent, request } from 'undici';

const gunzipAsync = promisify(gunzip);

export interface PerEntityOptions {
  readonly wikidataUrl: string;
  /** Entity indexes: every `step`-th of `count` generated items, from 0. */
  readonly count: number;
  readonly step: number;
  readonly concurrency: number;
}

export interface PerEntityResult {
  readonly requests: number;
  /** Body bytes received (gzip). */
  readonly bytes: number;
  readonly decodedBytes: number;
  readonly failures: number;
  readonly sampleFailure?: string;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

const GENERATED_BASE = 1_000_000;

export async function runPerEntity(options: PerEntityOptions): Promise<PerEntityResult> {
  const api = `${options.wikidataUrl.replace(/\/+$/, '')}/w/api.php`;
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000 });
  const indexes: number[] = [];
  for (let index = 0; index < options.count; index += options.step) indexes.push(index);
  let next = 0;
  const tally = {
    requests: 0,
    bytes: 0,
    decodedBytes: 0,
    failures: 0,
    sampleFailure: undefined as string | undefined,
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < indexes.length) {
      const id = `Q${GENERATED_BASE + (indexes[next++] as number)}`;
      const url = new URL(api);
      url.search = new URLSearchParams({
        action: 'wbgetentities',
        ids: id,
        props: 'info|claims|labels|aliases|descriptions|sitelinks/urls',
        languages: 'en',
        sitefilter: 'enwiki',
        format: 'json',
        maxlag: '5',
      }).toString();
      tally.requests++;
      try {
        const response = await request(url, {
          dispatcher: agent,
          headers: {
            'user-agent': 'factsync-bench-per-entity/1.0 (bench@example.org)',
            'accept-encoding': 'gzip',
          },
        });
        const raw = Buffer.from(await response.body.arrayBuffer());
        tally.bytes += raw.length;
        const text = response.headers['content-encoding'] === 'gzip' ? await gunzipAsync(raw) : raw;
        tally.decodedBytes += text.length;
        const body = JSON.parse(text.toString('utf8')) as {
          entities?: Record<string, unknown>;
          error?: unknown;
        };
        if (response.statusCode !== 200 || body.error || !body.entities?.[id])
          throw new Error(`HTTP ${response.statusCode}: ${text.toString('utf8').slice(0, 200)}`);
      } catch (error) {
        tally.failures++;
        tally.sampleFailure ??= `${id}: ${(error as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await agent.close();
  return {
    requests: tally.requests,
    bytes: tally.bytes,
    decodedBytes: tally.decodedBytes,
    failures: tally.failures,
    ...(tally.sampleFailure ? { sampleFailure: tally.sampleFailure } : {}),
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / (1024 * 1024),
  };
}
