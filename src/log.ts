// The process logger: pino, to stderr, so stdout stays for command output (JSONL, reports).
// Pure modules never import this; they receive a scoped child logger when they need one.
// Every line is JSON, on a terminal too: JSON escapes the C0 controls (ESC, BEL, line breaks) of a
// logged value, and each line passes through printableJson, which escapes the rest (DEL, C1, U+2028/9,
// bidi controls) and masks credentials in any text — an upstream URL with a password, a bearer token.

import { type Logger, pino } from 'pino';
import { printableJson } from './text/safe.js';

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
      hooks: { streamWrite: printableJson },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
