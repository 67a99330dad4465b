// The watcher's lease: one `factsync watch` at a time across processes and hosts. A Redis key holds the
// owner's token with an expiry; the owner renews it well before it lapses and gives it back when it
// stops; an owner that dies lets it lapse, and a waiting watcher takes over then.

import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class Lease {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly token: string,
    readonly ms: number,
  ) {}

  /** Takes the lease if nobody holds it; true when this owner holds it now. */
  async acquire(): Promise<boolean> {
    return (await this.redis.set(this.key, this.token, 'PX', this.ms, 'NX')) === 'OK';
  }

  /** Extends the lease; false when it is no longer this owner's (it lapsed and another took it). */
  async renew(): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ms))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }

  /** Who holds it now (a token), if anyone. */
  holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}
