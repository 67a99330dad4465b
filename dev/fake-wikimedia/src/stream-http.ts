// Serving the fake EventStreams stream over HTTP: `GET /v2/stream/recentchange` as Server-Sent Events
// (`:ok`, then `event: message` / `id:` / `data:` blocks), from the position a `Last-Event-ID` header
// names (KafkaSSE's JSON array of {topic, partition, offset | timestamp}) or `?since=` (ISO 8601 or
// epoch ms), else from now on; with the stream fault knobs (faults.ts): refuse a connection with a
// 5xx, drop it after N events.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventId, recentChangeEvent, type StreamLog, type StreamStart, TOPIC } from './event-stream.js';
import type { FaultSpec } from './faults.js';
import type { StatsRecorder } from './stats.js';

export const STREAM_PATH = '/v2/stream/recentchange';
const POLL_MS = 50;
const BATCH = 500;

export interface StreamContext {
  readonly log: StreamLog;
  /** The faults now (they may change while a connection is open: a drop applies to it from then on). */
  readonly faults: () => FaultSpec;
  /** A uniform draw in [0, 1) (the server's seeded one). */
  readonly random: () => number;
  /** Waits, or less when the server closes. */
  readonly delay: (ms: number) => Promise<void>;
  readonly closing: () => boolean;
  /** Counts connections and events (/__stats `stream`). */
  readonly stats?: Pick<StatsRecorder, 'countStreamConnection' | 'countStreamEvent'>;
}

/** Where a request asks to start, or why it cannot be read. */
export function streamStart(
  lastEventId: string | undefined,
  since: string | null,
): StreamStart | { problem: string } {
  if (lastEventId !== undefined && lastEventId !== '') {
    let parts: unknown;
    try {
      parts = JSON.parse(lastEventId);
    } catch {
      return { problem: 'Last-Event-ID is not JSON' };
    }
    const ours = Array.isArray(parts)
      ? (parts as Array<Record<string, unknown>>).find((p) => p?.topic === TOPIC && p?.partition === 0)
      : undefined;
    if (!ours) return { problem: `Last-Event-ID names no assignment for ${TOPIC} partition 0` };
    if (typeof ours.timestamp === 'number') return { timestamp: ours.timestamp };
    if (typeof ours.offset === 'number') return ours.offset < 0 ? 'latest' : { offset: ours.offset };
    return { problem: 'Last-Event-ID: an assignment needs an offset or a timestamp' };
  }
  if (since === null || since === '') return 'latest';
  const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
  return Number.isFinite(ms)
    ? { timestamp: ms }
    : { problem: `since: "${since}" is neither ISO 8601 nor epoch milliseconds` };
}

export async function serveStream(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: StreamContext,
): Promise<void> {
  const { log } = context;
  const faults = context.faults();
  if (req.method !== 'GET') {
    res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('Use GET');
    return;
  }
  if ((faults.streamErrorRate ?? 0) > 0 && context.random() < (faults.streamErrorRate ?? 0)) {
    // INVENTED body: what Wikimedia's edge answers when the stream service is down was not captured.
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Service Unavailable</h1>');
    return;
  }
  const lastEventId = req.headers['last-event-id'];
  const asked = streamStart(
    typeof lastEventId === 'string' ? lastEventId : undefined,
    url.searchParams.get('since'),
  );
  if (asked !== 'latest' && 'problem' in asked) {
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 400, detail: asked.problem }));
    return;
  }
  const start: StreamStart = asked;
  log.activate();
  log.catchUp();
  let offset = log.startOffset(start);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
  });
  res.write(':ok\n\n');
  context.stats?.countStreamConnection();
  let sent = 0;
  while (!res.destroyed && !context.closing()) {
    log.catchUp();
    const entries = log.read(offset, BATCH);
    if (entries.length === 0) {
      await context.delay(POLL_MS);
      continue;
    }
    for (const entry of entries) {
      const block = `event: message\nid: ${eventId(entry)}\ndata: ${JSON.stringify(recentChangeEvent(entry))}\n\n`;
      offset = entry.offset + 1;
      sent += 1;
      context.stats?.countStreamEvent(Buffer.byteLength(block));
      const dropAfter = context.faults().streamDropAfter ?? 0;
      if (dropAfter > 0 && sent >= dropAfter) {
        // The connection breaks mid-stream (no last chunk), as a proxy timeout or a restart breaks it.
        res.write(block, () => req.socket.destroy());
        return;
      }
      res.write(block);
    }
    if (res.writableNeedDrain)
      await new Promise((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
  }
}
