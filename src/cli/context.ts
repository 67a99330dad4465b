// What every command starts from: the validated config (from --config, the environment and flags).

import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { type Config, loadConfig, redactUrl } from '../config.js';
import { NoRedisError, redisAnswers } from '../jobs/embedded-redis.js';
import type { RedisTarget } from '../jobs/redis-connection.js';
import { connectRedis } from '../jobs/runtime.js';

/** Whether `--json` (a global option) was given: JSON output where the command has it, and JSON logs. */
export function jsonOutput(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

export function configOf(command: Command, overrides: Record<string, unknown> = {}): Config {
  const { config: file } = command.optsWithGlobals<{ config?: string }>();
  const json = jsonOutput(command) ? { 'log.format': 'json' } : {};
  return loadConfig({ ...(file ? { file } : {}), overrides: { ...json, ...overrides } });
}

/** A Redis connection for a one-off command, after checking that Redis answers (else exit 2 with advice). */
export async function connectForCommand(target: RedisTarget): Promise<Redis> {
  const { url } = target;
  if (!(await redisAnswers(url))) {
    throw new NoRedisError(
      `nothing answers at redis.url ${redactUrl(url)}: start Redis (\`docker run -d -p 127.0.0.1:6379:6379 redis:7-alpine\`, or your OS package) or set REDIS_URL`,
    );
  }
  return connectRedis(target);
}
