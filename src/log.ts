// The process logger: pino, to stderr, so stdout stays for command output (JSONL, reports).
// Pure modules never import this; they receive a scoped child logger when they need one.
//
// Two formats (log.format, FACTSYNC_LOG_FORMAT, `--json`): JSON lines for machines — piped, in a file,
// a container's log — and short readable lines for a person at a terminal (log-pretty.ts). Both are
// built from the same JSON line, which passes through printableJson: JSON escapes the C0 controls
// (ESC, BEL, line breaks) of a logged value, printableJson the rest (DEL, C1, U+2028/9, bidi
// controls), and it masks credentials in any text — an upstream URL with a password, a bearer token.
// The pretty format escapes again after parsing that line back (see log-pretty.ts).
//
// A notice (`log.warn({ notice: true }, 'sentence')`) is advice for the person running the command:
// shown once per logger (once per command) however often it is logged, as `factsync: sentence` on a
// terminal, as a JSON warn line otherwise.

import { type Logger, pino } from 'pino';
import { isColorSupported } from 'pino-pretty';
import { prettyLines } from './log-pretty.js';
import { printableJson } from './text/safe.js';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/** `auto`: readable lines when a person watches stderr (a terminal), JSON lines for anything else. */
export function logFormat(setting: 'auto' | LogFormat, stderrIsTerminal: boolean): LogFormat {
  if (setting !== 'auto') return setting;
  return stderrIsTerminal ? 'pretty' : 'json';
}

/** Drops a notice already logged by this logger or its children (pino's logMethod hook). */
function onceEachNotice(): (this: Logger, args: unknown[], method: (...args: unknown[]) => void) => void {
  const seen = new Set<string>();
  return function logMethod(args, method) {
    const [first, message] = args;
    if (first && typeof first === 'object' && (first as { notice?: unknown }).notice === true) {
      const key = String(message);
      if (seen.has(key)) return;
      seen.add(key);
    }
    method.apply(this, args);
  };
}

export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const stderr = pino.destination({ fd: 2, sync: false });
  // Colours only on a terminal, and as colorette allows (NO_COLOR, TERM=dumb turn them off).
  const colors = process.stderr.isTTY === true && isColorSupported;
  const render = format === 'pretty' ? prettyLines({ colors }) : undefined;
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
      hooks: { streamWrite: printableJson, logMethod: onceEachNotice() },
    },
    render ? { write: (line: string) => stderr.write(render(line)) } : stderr,
  );
}
