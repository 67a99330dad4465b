// Run progress and pending manual refreshes, in Redis, shared by every process: `sync` draws its
// progress bar from it, `refresh` uses it to drop an entity already waiting for a refresh.

import type { Redis } from 'ioredis';
import { runKeys, storeKeys, TTL } from '../redis-keys.js';

export interface RunProgress {
  /** Batches planned so far, and whether planning is over. */
  batches: number;
  planned: boolean;
  /** Batches done, and the entities in them. */
  done: number;
  entities: number;
  unreadable: number;
}

export class ProgressTracker {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return runKeys(this.prefix, runId).progress;
  }

  async planned(runId: string, batches: number, unreadable: number, finished: boolean): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(runId), { batches, unreadable, planned: finished ? 1 : 0 })
      .expire(this.key(runId), TTL.run)
      .exec();
  }

  async batchDone(runId: string, entities: number): Promise<void> {
    await this.redis
      .multi()
      .hincrby(this.key(runId), 'done', 1)
      .hincrby(this.key(runId), 'entities', entities)
      .exec();
  }

  async get(runId: string): Promise<RunProgress> {
    const raw = await this.redis.hgetall(this.key(runId));
    const n = (name: string) => Number(raw[name] ?? 0);
    return {
      batches: n('batches'),
      planned: raw.planned === '1',
      done: n('done'),
      entities: n('entities'),
      unreadable: n('unreadable'),
    };
  }
}

/** Entities waiting for a manual refresh: a second refresh of one is dropped until the first is done. */
export class RefreshTracker {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(entity: string): string {
    return storeKeys(this.prefix).refreshClaim(entity);
  }

  /** Claims the entities for `runId`; returns those already pending (with the run that has them). */
  async claim(entities: readonly string[], runId: string): Promise<Map<string, string>> {
    const pending = new Map<string, string>();
    for (const entity of entities) {
      const claimed = await this.redis.set(this.key(entity), runId, 'EX', TTL.refreshClaim, 'NX');
      if (claimed === null) pending.set(entity, (await this.redis.get(this.key(entity))) ?? '?');
    }
    return pending;
  }

  async done(entities: readonly string[]): Promise<void> {
    if (entities.length > 0) await this.redis.del(...entities.map((e) => this.key(e)));
  }
}
