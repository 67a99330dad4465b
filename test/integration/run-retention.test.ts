// How long BullMQ keeps a finished run's jobs in Redis. A run's finalise job holds every batch's result
// (its `:processed` hash, ~550 bytes a batch of 50 entities: 11 MB a night at a million entities), so
// keeping it a week, like other jobs, kept a week of nights; the run record in the store says the rest,
// so it is kept a day. Its plan job and batches keep the week (bounded by count).

import { Queue } from 'bullmq';
import { afterAll, expect, it } from 'vitest';
import { startRun } from '../../src/jobs/start-run.js';
import { jobIds, RUN_QUEUE, TTL } from '../../src/redis-keys.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';

const redis = connectRedis();
const prefix = testPrefix('run-retention');
const queue = new Queue(RUN_QUEUE, { connection: redis, prefix });

afterAll(async () => {
  await queue.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

it("keeps a finished run's finalise job a day, its plan job a week", async () => {
  const settings = { connection: redis, prefix, attempts: 1, store: 'name:retention' };
  const { runId } = await startRun(settings, { trigger: 'manual' });
  const finalise = await queue.getJob(jobIds.finalise(runId));
  const plan = await queue.getJob(jobIds.plan(runId));
  expect(finalise?.opts.removeOnComplete).toEqual({ age: TTL.completedRuns, count: 1000 });
  expect(TTL.completedRuns).toBe(86_400);
  expect(plan?.opts.removeOnComplete).toEqual({ age: TTL.completedJobs, count: 1000 });
});
