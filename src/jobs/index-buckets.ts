// The change index's members — the local store's QIDs and its pages ("lang:title") — as fields of
// INDEX_BUCKETS small HASHes (redis-keys.ts storeKeys.indexBucket), chosen by a hash of the member. One
// SET of a million members keeps each in a hash-table entry of its own (~60 bytes with the string); a
// HASH of a few dozen short fields stays a listpack, where a member costs its own bytes and a few more
// (hash-max-listpack-entries / -value: 512 and 64 by default, sometimes 128; users run managed Redis,
// so factsync does not change them). The fields are shorter still: a QID is its number (a listpack keeps it as an
// integer), and a member over 64 bytes (a long title in UTF-8) its digest, so no bucket leaves the
// compact encoding for one long title. A page always holds a colon and a number never does, so QIDs and
// pages share the buckets without meeting.
//
// Versions before kept two SETs (storeKeys.changes.qids, .pages): adoptSets moves their members into
// the buckets once and deletes them.

import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { bucketOf, INDEX_BUCKETS, storeKeys } from '../redis-keys.js';

/** hash-max-listpack-value's default: a longer field would turn its bucket into a hash table. */
const MAX_FIELD_BYTES = 64;
const SCAN_COUNT = 1_000;
/** Bucket keys deleted a command at a time. */
const DELETE_CHUNK = 1_000;

/** A member's field in its bucket: a QID's number, a long member's digest, else the member. */
export function fieldOf(member: string): string {
  if (/^Q[1-9][0-9]{0,15}$/.test(member)) return member.slice(1);
  if (Buffer.byteLength(member) <= MAX_FIELD_BYTES) return member;
  return `#${createHash('sha256').update(member).digest('base64url').slice(0, 24)}`;
}

/** Members by bucket, as fields. */
function byBucket(members: readonly string[]): Map<number, string[]> {
  const buckets = new Map<number, string[]>();
  for (const member of members) {
    const field = fieldOf(member);
    const bucket = bucketOf(field, INDEX_BUCKETS);
    const fields = buckets.get(bucket);
    if (fields) fields.push(field);
    else buckets.set(bucket, [field]);
  }
  return buckets;
}

export class IndexBuckets {
  private readonly bucketKey;
  private readonly legacy;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    const keys = storeKeys(prefix);
    this.bucketKey = keys.indexBucket;
    this.legacy = [keys.changes.qids, keys.changes.pages];
  }

  /** Queues the members' addition on `multi` (an empty value: the field is the fact). */
  add(multi: ChainableCommander, members: readonly string[]): void {
    for (const [bucket, fields] of byBucket(members))
      multi.hset(this.bucketKey(bucket), Object.fromEntries(fields.map((field) => [field, ''])));
  }

  /** Which of the members the index holds, in their order. */
  async has(members: readonly string[]): Promise<boolean[]> {
    if (members.length === 0) return [];
    const fields = members.map(fieldOf);
    // The watcher asks one name an event: a command of its own costs less than a pipeline of one.
    if (fields.length === 1) {
      const field = fields[0] as string;
      return [(await this.redis.hexists(this.bucketKey(bucketOf(field, INDEX_BUCKETS)), field)) === 1];
    }
    const pipeline = this.redis.pipeline();
    for (const field of fields) pipeline.hexists(this.bucketKey(bucketOf(field, INDEX_BUCKETS)), field);
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, value]) => {
      if (error) throw error;
      return value === 1;
    });
  }

  /** Deletes every bucket. */
  async clear(): Promise<void> {
    for (let start = 0; start < INDEX_BUCKETS; start += DELETE_CHUNK) {
      const keys = Array.from({ length: Math.min(DELETE_CHUNK, INDEX_BUCKETS - start) }, (_, i) =>
        this.bucketKey(start + i),
      );
      await this.redis.unlink(...keys);
    }
  }

  /**
   * Moves the members of the SETs older versions kept into the buckets, then deletes the SETs; returns
   * how many it moved. Two processes adopting at once both write every member; the one that finds the
   * SET gone has nothing left to move, since only a finished move deletes it.
   */
  async adoptSets(): Promise<number> {
    let moved = 0;
    for (const key of this.legacy) {
      if ((await this.redis.exists(key)) === 0) continue;
      let cursor = '0';
      do {
        const [next, members] = await this.redis.sscan(key, cursor, 'COUNT', SCAN_COUNT);
        if (members.length > 0) {
          const multi = this.redis.multi();
          this.add(multi, members);
          await multi.exec();
          moved += members.length;
        }
        cursor = next;
      } while (cursor !== '0');
      await this.redis.del(key);
    }
    return moved;
  }
}
