// Log lines for a person at a terminal: `07:13:03 WARN  message  key=value …`, one short line each, via
// pino-pretty. Its input is the JSON line pino wrote, already masked (credentials) by log.ts; once parsed
// back its strings hold raw control characters again, so the text is built here and passed through
// `printable` (ESC shows as `\x1b`, a bidi override as `\u202e`, a line break as `\n`) before
// pino-pretty adds its colours. A notice (`{ notice: true }`) is a sentence for the person, not a log
// line: `factsync: …`, without time or level.

import { prettyFactory } from 'pino-pretty';
import { printable } from './text/safe.js';

/** Keys pino-pretty shows itself (time, level, message) or that say nothing on a terminal. */
const SHOWN_ELSEWHERE = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'app', 'notice']);

/** A field's value at most this long on a terminal; the JSON format has it whole. */
const MAX_VALUE = 160;

const cut = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

/** A field's value in a few words: an error by its message, text as is, anything else as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const { message, code } = value as { message: string; code?: unknown };
    return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return JSON.stringify(value) ?? String(value);
}

/** The message and its fields on one line, safe to show. */
export function messageLine(log: Record<string, unknown>): string {
  const fields = Object.entries(log)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${cut(valueText(value))}`);
  const message = typeof log.msg === 'string' ? log.msg : '';
  return printable([message, ...fields].filter((part) => part !== '').join('  '));
}

/** Renders one JSON log line (as log.ts writes it) for a terminal; `colors` for a real one. */
export function prettyLines(options: { colors: boolean }): (jsonLine: string) => string {
  const pretty = prettyFactory({
    colorize: options.colors,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname,app',
    hideObject: true,
    singleLine: true,
    messageFormat: (log) => messageLine(log),
  });
  return (jsonLine) => {
    let log: Record<string, unknown>;
    try {
      log = JSON.parse(jsonLine) as Record<string, unknown>;
    } catch {
      return `${printable(jsonLine.trimEnd())}\n`;
    }
    if (log.notice === true) return `factsync: ${messageLine({ msg: log.msg })}\n`;
    return `${pretty(log).trimEnd()}\n`;
  };
}
