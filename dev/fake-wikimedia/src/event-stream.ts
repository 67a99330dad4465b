// The fake EventStreams `recentchange` stream (stream.wikimedia.org/v2/stream/recentchange): one
// append-only log, like the Kafka topic behind the real one, of every change the fake's wikis record
// (Wikidata's feed and each Wikipedia's, the same change model list=recentchanges pages through) and
// of their background edits as the clock passes them (from the first connection on: a fake nobody
// streams from holds only its recorded changes). Each entry has a Kafka offset and a Kafka
// timestamp (ms, strictly increasing here, so a position by timestamp names exactly one event).
// Event shapes: mediawiki/recentchange (shared/fixtures/wikimedia/eventstreams_recentchange_schema_1.0.1.json)
// as the captures in test/fixtures/wikimedia-captures/eventstreams/ show them. The SSE `id` is what
// KafkaSSE writes: the position *after* the event, `[{topic, partition, timestamp: ms + 1}, {codfw…,
// offset: -1}]` (captured ids are the event's second × 1000 + 1).

import type { ChangeFeed } from './changes.js';
import { hash32 } from './random.js';
import type { RecentChange } from './types.js';
import type { WikipediaFeeds } from './wikipedia-changes.js';

export const TOPIC = 'eqiad.mediawiki.recentchange';
/** Wikimedia keeps about a week of the stream (EventStreams documentation). */
export const RETENTION_MS = 7 * 86_400_000;
const MAX_ENTRIES = 500_000;
/** The log is trimmed back to MAX_ENTRIES once it holds this many more: one splice per 50,000 events, not one an event. */
const TRIM_SLACK = 50_000;
/** Background events materialised per wiki at a time: a clock jump of days is thinned, not replayed. */
const MAX_BACKGROUND_STEP = 100_000;

export interface StreamEntry {
  readonly offset: number;
  /** The Kafka timestamp (epoch ms). */
  readonly ms: number;
  /** `wikidata` or a Wikipedia language. */
  readonly wiki: string;
  readonly change: RecentChange;
}

/** Where a connection starts: an offset, the first event at or after a Kafka timestamp, or the end. */
export type StreamStart = { offset: number } | { timestamp: number } | 'latest';

export class StreamLog {
  private readonly entries: StreamEntry[] = [];
  private nextOffset = 0;
  private lastMs = 0;
  private readonly backgroundUpTo = new Map<string, number>();
  /** Background edits join the log only once a client has connected: a fake nobody streams from keeps none. */
  private active = false;

  constructor(
    private readonly wikidata: ChangeFeed,
    private readonly wikipedia: WikipediaFeeds,
    private readonly clock: () => number,
  ) {
    wikidata.listen((change) => this.recorded('wikidata', change));
    wikipedia.listen((lang, change) => this.recorded(lang, change));
  }

  private recorded(wiki: string, change: RecentChange): void {
    const now = this.clock();
    this.catchUp(now);
    this.append(wiki, change, now);
  }

  private append(wiki: string, change: RecentChange, ms: number): void {
    this.lastMs = Math.max(ms, this.lastMs + 1);
    this.entries.push({ offset: this.nextOffset++, ms: this.lastMs, wiki, change });
    if (this.entries.length > MAX_ENTRIES + TRIM_SLACK)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  /** A client connects: from now on the background edits are streamed too (none from before). */
  activate(): void {
    if (this.active) return;
    this.active = true;
    const now = this.clock();
    for (const wiki of ['wikidata', ...this.wikipedia.languages]) this.backgroundUpTo.set(wiki, now);
  }

  /** Adds the background edits the clock has passed since last time, oldest first; drops old entries. */
  catchUp(now = this.clock()): void {
    const due: Array<{ ms: number; wiki: string; change: RecentChange }> = [];
    for (const wiki of this.active ? ['wikidata', ...this.wikipedia.languages] : []) {
      const from = this.backgroundUpTo.get(wiki);
      this.backgroundUpTo.set(wiki, now);
      if (from === undefined || from >= now) continue; // a language's background starts when it is first seen
      const feed = wiki === 'wikidata' ? this.wikidata : this.wikipedia.feed(wiki);
      for (const slot of feed.backgroundBetween(from, now, MAX_BACKGROUND_STEP)) due.push({ ...slot, wiki });
    }
    due.sort((a, b) => a.ms - b.ms);
    for (const slot of due) this.append(slot.wiki, slot.change, slot.ms);
    let old = 0;
    while (old < this.entries.length && (this.entries[old] as StreamEntry).ms < now - RETENTION_MS) old++;
    if (old > 0) this.entries.splice(0, old);
  }

  /** The offset a connection starts at; one before retention starts at the oldest entry kept. */
  startOffset(start: StreamStart): number {
    if (start === 'latest') return this.nextOffset;
    const first = this.entries[0]?.offset ?? this.nextOffset;
    if ('offset' in start) return Math.max(start.offset, first);
    const at = this.entries.findIndex((entry) => entry.ms >= start.timestamp);
    return at < 0 ? this.nextOffset : (this.entries[at] as StreamEntry).offset;
  }

  /** Up to `limit` entries from `offset` on. */
  read(offset: number, limit: number): StreamEntry[] {
    const first = this.entries[0]?.offset ?? this.nextOffset;
    const from = Math.max(0, offset - first);
    return this.entries.slice(from, from + limit);
  }
}

const SERVERS = (wiki: string) =>
  wiki === 'wikidata'
    ? { server_name: 'www.wikidata.org', wiki: 'wikidatawiki' }
    : { server_name: `${wiki}.wikipedia.org`, wiki: `${wiki.replace(/-/g, '_')}wiki` };

/** A UUID-shaped id, the same for the same entry (meta.id and meta.request_id are UUIDs upstream). */
function uuidOf(...parts: Array<string | number>): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash32(...parts, i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The SSE `id` of an entry: KafkaSSE's position after it (see the header). */
export function eventId(entry: StreamEntry): string {
  return JSON.stringify([
    { topic: TOPIC, partition: 0, timestamp: entry.ms + 1 },
    { topic: 'codfw.mediawiki.recentchange', partition: 0, offset: -1 },
  ]);
}

/**
 * Log parameters as the stream carries them: a deletion's are `[]` (captured); a move's
 * `{target, noredir}` is INVENTED (no captured move event was found), from the log entry's parameters.
 */
function logParams(change: RecentChange): unknown {
  if (change.logtype === 'move') {
    const params = change.logparams ?? {};
    return { target: params.target_title ?? '', noredir: params.suppressredirect ? '1' : '0' };
  }
  return Object.keys(change.logparams ?? {}).length === 0 ? [] : change.logparams;
}

/** The mediawiki/recentchange event of an entry. */
export function recentChangeEvent(entry: StreamEntry): Record<string, unknown> {
  const { change } = entry;
  const site = SERVERS(entry.wiki);
  const server_url = `https://${site.server_name}`;
  const title_url = `${server_url}/wiki/${encodeURIComponent(change.title.replace(/ /g, '_'))}`;
  const comment = change.comment ?? '';
  const event: Record<string, unknown> = {
    $schema: '/mediawiki/recentchange/1.0.0',
    meta: {
      uri: title_url,
      request_id: uuidOf('request', entry.offset),
      id: uuidOf('event', entry.offset),
      dt: new Date(entry.ms).toISOString(),
      domain: site.server_name,
      stream: 'mediawiki.recentchange',
      topic: TOPIC,
      partition: 0,
      offset: entry.offset,
    },
    id: change.rcid,
    type: change.type,
    namespace: change.ns,
    title: change.title,
    title_url,
    comment,
    timestamp: Math.floor(Date.parse(change.timestamp) / 1000),
    user: change.user ?? 'FakeEditor',
    bot: false,
  };
  if (change.type === 'log')
    Object.assign(event, {
      log_id: change.logid ?? 0,
      log_type: change.logtype ?? '',
      log_action: change.logaction ?? '',
      log_params: logParams(change),
      log_action_comment: comment,
    });
  else
    Object.assign(event, {
      minor: false,
      patrolled: true,
      length:
        change.type === 'new'
          ? { new: change.newlen ?? 0 }
          : { old: change.oldlen ?? 0, new: change.newlen ?? 0 },
      revision: change.type === 'new' ? { new: change.revid } : { old: change.old_revid, new: change.revid },
    });
  return {
    ...event,
    server_url,
    server_name: site.server_name,
    server_script_path: '/w',
    wiki: site.wiki,
    parsedcomment: comment.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  };
}
