// The process logger: pino, to stderr, so stdout stays for command output (JSONL, reports).
// Pure modules never import this; they receive a scoped child logger when they need one.

import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: 'factsync' },
      redact: {
        // `command.args`: ioredis attaches the failed command to its errors, and for AUTH (a wrong
        // password, or Redis still loading after a restart) its arguments are the password.
        paths: [
          '*.token',
          '*.password',
          'token',
          'password',
          'authorization',
          '*.authorization',
          'command.args',
          '*.command.args',
        ],
        censor: '***',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
