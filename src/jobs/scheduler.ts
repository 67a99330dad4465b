// The nightly schedule: a BullMQ job scheduler on the runs queue that adds a `start-run` job at each
// fire time. Registering it is idempotent (upsert), so every worker may do it at start-up. A schedule
// set or cleared with `factsync schedule` is remembered in Redis and wins over the config file.

import type { Redis } from 'ioredis';
import { jobIds, RUN_QUEUE, storeKeys } from '../redis-keys.js';
import type { JobPayloads, QueueSettings } from './queues.js';
import { openQueue } from './queues.js';

export interface Schedule {
  readonly cron: string;
  readonly tz: string;
}

export interface ScheduleStatus {
  /** Undefined when the schedule is off. */
  readonly schedule?: Schedule;
  /** Where it comes from: the config, or `factsync schedule`. */
  readonly source: 'config' | 'command';
  readonly next?: Date;
}

/** What `factsync schedule` last said: a schedule, `off`, or nothing (the config decides). */
async function override(redis: Redis, prefix: string): Promise<Schedule | 'off' | undefined> {
  const value = await redis.get(storeKeys(prefix).scheduleOverride);
  if (value === null) return undefined;
  return value === 'off' ? 'off' : (JSON.parse(value) as Schedule);
}

async function upsert(settings: QueueSettings, schedule: Schedule | 'off'): Promise<void> {
  const queue = openQueue(settings, RUN_QUEUE);
  try {
    if (schedule === 'off') {
      await queue.removeJobScheduler(jobIds.nightly);
      return;
    }
    const data: JobPayloads['start-run'] = { trigger: 'nightly', store: settings.store };
    await queue.upsertJobScheduler(
      jobIds.nightly,
      { pattern: schedule.cron, tz: schedule.tz },
      { name: 'start-run', data },
    );
  } finally {
    await queue.close();
  }
}

/** At worker start-up: the schedule of the config, unless `factsync schedule` changed it. */
export async function registerSchedule(
  settings: QueueSettings,
  redis: Redis,
  fromConfig: Schedule,
): Promise<void> {
  await upsert(settings, (await override(redis, settings.prefix)) ?? fromConfig);
}

/** `factsync schedule --cron/--tz/--off`: changes the schedule now and for every worker that starts later. */
export async function setSchedule(
  settings: QueueSettings,
  redis: Redis,
  schedule: Schedule | 'off',
): Promise<void> {
  await redis.set(
    storeKeys(settings.prefix).scheduleOverride,
    schedule === 'off' ? 'off' : JSON.stringify(schedule),
  );
  await upsert(settings, schedule);
}

export async function scheduleStatus(settings: QueueSettings, redis: Redis): Promise<ScheduleStatus> {
  const source = (await override(redis, settings.prefix)) === undefined ? 'config' : 'command';
  const queue = openQueue(settings, RUN_QUEUE);
  try {
    const scheduler = await queue.getJobScheduler(jobIds.nightly);
    if (!scheduler?.pattern) return { source };
    return {
      schedule: { cron: scheduler.pattern, tz: scheduler.tz ?? 'UTC' },
      source,
      ...(scheduler.next ? { next: new Date(scheduler.next) } : {}),
    };
  } finally {
    await queue.close();
  }
}
