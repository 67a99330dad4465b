// How a command ends: exit 0 done (proposals are not an error), 1 the work failed, 2 bad usage or config.

import { ConfigError } from '../config.js';
import { NoRedisError } from '../jobs/embedded-redis.js';
import { LocalSourceError } from '../local/read/index.js';

/** A wrong argument or option; the message names it. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

export function exitCodeOf(error: unknown): number {
  const usage = [ConfigError, LocalSourceError, UsageError, NoRedisError];
  return usage.some((type) => error instanceof type) ? 2 : 1;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
