// The politeness gate, shared by every worker process through Redis: before a request goes out it
// needs (1) no pause in force (a Retry-After, or a server that said none are left), (2) one of
// http.concurrency in-flight slots, (3) a token of the http.ratePerSecond bucket, (4) a place in the
// minute's budget (http.budgetPerMinute) and (5) a token of the hourly ceiling (http.budgetPerHour) —
// see budget.ts for the arithmetic. A slot is a lease: a process killed mid-request gives its slot back
// when the lease runs out.
//
// Refreshes come first: nightly work may not take the last places of either budget, and while a refresh
// waits, nightly work holds back. What the server says is learned for every process: its RateLimit
// headers (none left → wait for its reset) and its 429s (the pace halves, and recovers gradually).

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RunTrigger } from '../model/run.js';
import { GATE_KEY_NAMES, gateKeys } from '../redis-keys.js';
import { type BudgetLimits, NO_LIMITS, RECOVERY_MS, SLOWEST_FACTOR } from './budget.js';
import type { Headers } from './http-answer.js';
import { ACQUIRE, OBSERVE, PAUSE } from './http-gate-scripts.js';
import { serverAllowance } from './rate-limit-headers.js';

export interface RequestGate {
  /**
   * Waits until a request may go out (a refresh's ahead of background work, the default); returns the
   * function that gives its slot back.
   */
  acquire(requestClass?: RequestClass): Promise<() => Promise<void>>;
  /** No request from any process goes out for `delayMs` (a Retry-After heard by one holds all). */
  pause(delayMs: number, reason?: string): Promise<void>;
  /** Learns from a response: the allowance its headers state, and a slower pace after a 429. */
  observe(status: number, headers: Headers): Promise<void>;
}

/** Whose request this is: a refresh (someone waits for it) or background work (the night's run). */
export type RequestClass = 'refresh' | 'background';

/** A refresh run's requests are a refresh's; every other run's (nightly, manual, one-off) background. */
export const classOf = (trigger: RunTrigger): RequestClass =>
  trigger === 'refresh' ? 'refresh' : 'background';

export interface RedisGateOptions {
  /** Key prefix: the gate's keys are `{prefix}:http:*`. */
  prefix: string;
  concurrency: number;
  ratePerSecond: number;
  /** The request budget across every process (budgetLimits()); none when absent. */
  budget?: BudgetLimits;
  /** How long a slot is held at most: longer than any request can take. */
  leaseMs: number;
}

/** When the server says how many remain but not until when: Wikimedia counts by the minute. */
const UNSTATED_RESET_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface GateCommands {
  factsyncGateAcquire(...args: Array<string | number>): Promise<[number, string]>;
  factsyncGatePause(...args: Array<string | number>): Promise<number>;
  factsyncGateObserve(...args: Array<string | number>): Promise<string>;
}

/** The gate's scripts as Redis commands (sent once, then called by their SHA). */
function withGateCommands(redis: Redis): Redis & GateCommands {
  if (!('factsyncGateObserve' in redis)) {
    const numberOfKeys = GATE_KEY_NAMES.length;
    redis.defineCommand('factsyncGateAcquire', { numberOfKeys, lua: ACQUIRE });
    redis.defineCommand('factsyncGatePause', { numberOfKeys, lua: PAUSE });
    redis.defineCommand('factsyncGateObserve', { numberOfKeys, lua: OBSERVE });
  }
  return redis as Redis & GateCommands;
}

export function redisGate(connection: Redis, options: RedisGateOptions): RequestGate {
  const redis = withGateCommands(connection);
  const keys = gateKeys(options.prefix);
  const limits = options.budget ?? NO_LIMITS;
  return {
    async acquire(requestClass = 'background') {
      const token = randomUUID();
      const urgent = requestClass === 'refresh' ? 1 : 0;
      for (;;) {
        const [wait] = await redis.factsyncGateAcquire(
          ...keys,
          token,
          options.concurrency,
          options.ratePerSecond,
          options.leaseMs,
          limits.perMinute,
          limits.perHour > 0 ? limits.hourCapacity : 0,
          limits.hourRefillPerSecond / 1000,
          limits.reserve,
          urgent,
          RECOVERY_MS,
        );
        if (wait === 0) return async () => void (await redis.zrem(keys[0] as string, token));
        // -1: every slot is taken; poll again soon, with jitter so processes do not move in step. A long
        // wait is polled every few seconds, so that a pause lifted or a budget freed is seen.
        await sleep(wait > 0 ? Math.min(wait, 5_000) : 5 + Math.random() * 10);
      }
    },
    async pause(delayMs, reason = 'the server asked to wait (Retry-After)') {
      await redis.factsyncGatePause(...keys, Math.max(0, Math.ceil(delayMs)), reason);
    },
    async observe(status, headers) {
      const allowance = serverAllowance(headers);
      const throttled = status === 429;
      if (!allowance && !throttled) return;
      await redis.factsyncGateObserve(
        ...keys,
        allowance?.remaining ?? -1,
        allowance?.resetMs ?? UNSTATED_RESET_MS,
        throttled ? 1 : 0,
        RECOVERY_MS,
        SLOWEST_FACTOR,
      );
    },
  };
}
