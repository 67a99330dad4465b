// Wikimedia EventStreams' `recentchange` stream (https://stream.wikimedia.org/v2/stream/recentchange):
// one long-lived Server-Sent Events connection, read with undici and eventsource-parser, resumable with
// `Last-Event-ID` (the KafkaSSE id of the last event read, a JSON array of {topic, partition,
// offset | timestamp}) or `?since=`. Each event is checked (zod) before it is believed: one that does
// not parse, or that concerns a wiki factsync watches but is not whole, is reported as `invalid` (the
// watcher counts the stream as broken there), never turned into a hit. Events are kept client-side
// for Wikidata namespace 0 and namespace 0 of the Wikipedias in use (`server_name` and `wiki` both),
// as the rows the polled feed (feed.ts) would show for the same change.
// Shapes: test/fixtures/wikimedia-captures/eventstreams/ (captured) and the mediawiki/recentchange schema.

import { createParser } from 'eventsource-parser';
import { request } from 'undici';
import { z } from 'zod';
import type { FeedRow } from './feed.js';

export const DEFAULT_STREAM_URL = 'https://stream.wikimedia.org/v2/stream/recentchange';

/** What one SSE message of the stream gave. */
export type StreamItem =
  /** A change to a watched wiki's namespace 0, as the polled feed would show it. */
  | {
      readonly kind: 'change';
      readonly id: string;
      readonly at: number;
      readonly wiki: string;
      readonly row: FeedRow;
    }
  /** An event of another wiki or namespace, or not a recentchanges row: only the position moves. */
  | { readonly kind: 'other'; readonly id: string; readonly at?: number }
  /** An event that could not be believed (why says what was wrong); it may have been a change we watch. */
  | { readonly kind: 'invalid'; readonly id: string; readonly why: string };

export class StreamError extends Error {
  constructor(
    readonly code: 'STREAM_HTTP' | 'STREAM_BROKEN',
    message: string,
    /** The HTTP status, for STREAM_HTTP. */
    readonly status?: number,
  ) {
    super(message);
  }
}

const positive = z.number().int().positive();
/** The fields the watcher relies on; other members pass through unread. */
const eventSchema = z
  .object({
    meta: z.object({ dt: z.string().refine((dt) => !Number.isNaN(Date.parse(dt)), 'meta.dt is not a date') }),
    type: z.string(),
    namespace: z.number().int(),
    title: z.string().min(1),
    id: positive.nullish(),
    timestamp: z.number().int().positive(),
    server_name: z.string(),
    wiki: z.string(),
    revision: z.object({ new: positive.nullish(), old: z.number().int().nullish() }).optional(),
    log_type: z.string().nullish(),
    log_params: z.unknown().optional(),
  })
  .superRefine((event, ctx) => {
    if ((event.type === 'edit' || event.type === 'new') && !event.revision?.new)
      ctx.addIssue({
        code: 'custom',
        path: ['revision', 'new'],
        message: `an ${event.type} without its revision`,
      });
  });
type RecentChangeEvent = z.infer<typeof eventSchema>;

/** The wiki an event's `server_name` and `wiki` name together: `wikidata`, a language, or none. */
export function watchedWiki(
  serverName: unknown,
  wiki: unknown,
  languages: ReadonlySet<string>,
): string | undefined {
  if (serverName === 'www.wikidata.org' && wiki === 'wikidatawiki') return 'wikidata';
  const lang =
    typeof serverName === 'string' ? /^([a-z][a-z0-9-]*)\.wikipedia\.org$/.exec(serverName)?.[1] : undefined;
  return lang && languages.has(lang) && wiki === `${lang.replace(/-/g, '_')}wiki` ? lang : undefined;
}

const ROW_TYPES = new Set(['edit', 'new', 'log', 'external']);

/** A move's new title: `target` in the stream (not captured, see the fixtures' README), `target_title` in the API. */
function moveTarget(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  const { target, target_title } = params as Record<string, unknown>;
  const title =
    typeof target === 'string' ? target : typeof target_title === 'string' ? target_title : undefined;
  return title?.replace(/_/g, ' ') || undefined;
}

/** The polled feed's row for an event (feed.ts): the new revision of an edit, 0 for a log or external row. */
export function rowOf(event: RecentChangeEvent): FeedRow | undefined {
  if (!ROW_TYPES.has(event.type) || event.namespace !== 0 || !event.id) return undefined;
  const type = event.type as FeedRow['type'];
  const target = type === 'log' && event.log_type === 'move' ? moveTarget(event.log_params) : undefined;
  return {
    type,
    title: event.title,
    revid: type === 'edit' || type === 'new' ? (event.revision?.new ?? 0) : 0,
    timestamp: new Date(event.timestamp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    rcid: event.id,
    ...(event.log_type ? { logtype: event.log_type } : {}),
    ...(target ? { targetTitle: target } : {}),
  };
}

/** One SSE message's data, read: what the watcher should do with it. */
export function readEvent(id: string, data: string, languages: ReadonlySet<string>): StreamItem {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: 'invalid', id, why: 'the data is not JSON' };
  }
  const raw = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const wiki = watchedWiki(raw.server_name, raw.wiki, languages);
  const dt = Date.parse(String((raw.meta as { dt?: unknown } | undefined)?.dt));
  if (!wiki) return { kind: 'other', id, ...(Number.isNaN(dt) ? {} : { at: dt }) };
  const checked = eventSchema.safeParse(json);
  if (!checked.success)
    return {
      kind: 'invalid',
      id,
      why: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  const row = rowOf(checked.data);
  const at = Date.parse(checked.data.meta.dt);
  return row ? { kind: 'change', id, at, wiki, row } : { kind: 'other', id, at };
}

export interface StreamConnectOptions {
  /** Resume after this event (its SSE id, sent as Last-Event-ID). */
  readonly lastEventId?: string;
  /** Else start at this time (epoch ms), `?since=`; with neither, from now on. */
  readonly since?: number;
  readonly languages: ReadonlySet<string>;
  readonly signal?: AbortSignal;
}

export class EventStreamsSource {
  constructor(
    /** The stream's URL, such as DEFAULT_STREAM_URL. */
    readonly url: string,
    private readonly userAgent: string,
    /** No byte for this long (the real stream is never quiet that long): the connection is dead. */
    private readonly idleTimeoutMs = 60_000,
  ) {}

  /**
   * One connection, its events in order. Ends when the server ends the response; throws StreamError
   * when it refuses (STREAM_HTTP, with the status) or the connection breaks (STREAM_BROKEN).
   */
  async *connect(options: StreamConnectOptions): AsyncGenerator<StreamItem> {
    const url = new URL(this.url);
    if (!options.lastEventId && options.since !== undefined)
      url.searchParams.set('since', new Date(options.since).toISOString());
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        headers: {
          accept: 'text/event-stream',
          'user-agent': this.userAgent,
          ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
        },
        headersTimeout: this.idleTimeoutMs,
        bodyTimeout: this.idleTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new StreamError('STREAM_BROKEN', `could not open the stream: ${(error as Error).message}`);
    }
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      throw new StreamError(
        'STREAM_HTTP',
        `the stream answered HTTP ${response.statusCode}`,
        response.statusCode,
      );
    }
    const pending: StreamItem[] = [];
    // A character may be split between two chunks: decode as a stream.
    const text = new TextDecoder('utf-8');
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== undefined && event.event !== 'message') return;
        pending.push(readEvent(event.id ?? '', event.data, options.languages));
      },
    });
    try {
      for await (const chunk of response.body) {
        parser.feed(typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true }));
        while (pending.length > 0) yield pending.shift() as StreamItem;
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw new StreamError('STREAM_BROKEN', `the stream broke: ${(error as Error).message}`);
    } finally {
      response.body.destroy();
    }
  }
}
