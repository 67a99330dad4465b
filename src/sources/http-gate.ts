// The politeness gate, shared by every worker process through Redis: before a request goes out it
// needs (1) no Retry-After pause in force, (2) one of http.concurrency in-flight slots, (3) a token of
// the http.ratePerSecond bucket and (4) a token of the hourly budget (http.budgetPerHour). Time is
// Redis's clock, so processes on skewed clocks agree. A slot is a lease: a process killed mid-request
// gives its slot back when the lease runs out.
//
// The budget is a token bucket holding at most `burst` tokens, refilled at (budget − burst) an hour:
// in any window of t seconds at most burst + (budget − burst) × t / 3600 requests go out, so never more
// than the budget in any hour, however the requests bunch.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface RequestGate {
  /** Waits until a request may go out; returns the function that gives its slot back. */
  acquire(): Promise<() => Promise<void>>;
  /** No request from any process goes out for `delayMs` (a Retry-After heard by one holds all). */
  pause(delayMs: number): Promise<void>;
}

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return pause - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local rate = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
local tokens = tonumber(state[1]) or 1
local ts = tonumber(state[2]) or now
tokens = math.min(1, tokens + (now - ts) * rate / 1000)
local burst = tonumber(ARGV[5])
local refill = tonumber(ARGV[6])
local budget = redis.call('HMGET', KEYS[4], 'tokens', 'ts')
local left = tonumber(budget[1]) or burst
local bts = tonumber(budget[2]) or now
left = math.min(burst, left + (now - bts) * refill / 1000)
if tokens < 1 or left < 1 then
  redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', now)
  redis.call('HSET', KEYS[4], 'tokens', tostring(left), 'ts', now)
  local wait = 1
  if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * 1000 / rate)) end
  if left < 1 then wait = math.max(wait, math.ceil((1 - left) * 1000 / refill)) end
  return wait
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'ts', now)
redis.call('PEXPIRE', KEYS[2], 60000)
redis.call('HSET', KEYS[4], 'tokens', tostring(left - 1), 'ts', now)
redis.call('PEXPIRE', KEYS[4], 7200000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + 1000)
return 0
`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs - now
`;

export interface RedisGateOptions {
  /** Key prefix: the gate's keys are `{prefix}:http:*`. */
  prefix: string;
  concurrency: number;
  ratePerSecond: number;
  /** Requests an hour across every process (http.budgetPerHour); none when absent. */
  budgetPerHour?: number;
  /** How long a slot is held at most: longer than any request can take. */
  leaseMs: number;
}

/** No budget: a bucket that never runs dry. */
const UNLIMITED = { burst: 1e12, refillPerSecond: 1e12 };

/**
 * The budget as a token bucket: up to ten seconds' worth of requests at once (at least one), the rest
 * refilled evenly, so that burst + refill × 3600 s = the budget.
 */
export function budgetBucket(budgetPerHour: number | undefined): { burst: number; refillPerSecond: number } {
  if (budgetPerHour === undefined) return UNLIMITED;
  const burst = Math.max(1, Math.min(budgetPerHour - 1, Math.floor((budgetPerHour * 10) / 3600)));
  return { burst, refillPerSecond: Math.max(budgetPerHour - burst, 1) / 3600 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface GateCommands {
  factsyncGateAcquire(...args: Array<string | number>): Promise<number>;
  factsyncGatePause(...args: Array<string | number>): Promise<number>;
}

/** The gate's scripts as Redis commands (sent once, then called by their SHA). */
function withGateCommands(redis: Redis): Redis & GateCommands {
  if (!('factsyncGateAcquire' in redis)) {
    redis.defineCommand('factsyncGateAcquire', { numberOfKeys: 4, lua: ACQUIRE });
    redis.defineCommand('factsyncGatePause', { numberOfKeys: 1, lua: PAUSE });
  }
  return redis as Redis & GateCommands;
}

export function redisGate(connection: Redis, options: RedisGateOptions): RequestGate {
  const redis = withGateCommands(connection);
  const keys = [
    `${options.prefix}:http:slots`,
    `${options.prefix}:http:bucket`,
    `${options.prefix}:http:pause`,
    `${options.prefix}:http:budget`,
  ];
  const { burst, refillPerSecond } = budgetBucket(options.budgetPerHour);
  return {
    async acquire() {
      const token = randomUUID();
      for (;;) {
        const wait = Number(
          await redis.factsyncGateAcquire(
            ...keys,
            token,
            options.concurrency,
            options.ratePerSecond,
            options.leaseMs,
            burst,
            refillPerSecond,
          ),
        );
        if (wait === 0) return async () => void (await redis.zrem(keys[0] as string, token));
        // -1: every slot is taken; poll again soon, with jitter so processes do not move in step.
        await sleep(wait > 0 ? wait : 5 + Math.random() * 10);
      }
    },
    async pause(delayMs) {
      await redis.factsyncGatePause(keys[2] as string, Math.max(0, Math.ceil(delayMs)));
    },
  };
}
