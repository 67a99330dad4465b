// Writing command output: respects backpressure (a million lines never pile up in memory) and ends
// quietly when the reader goes away (`factsync entities --json | head`). Human-readable text goes
// through `printable` (credentials masked, control characters escaped: a value cannot set the
// terminal's title, clear it, or forge a line), JSON through `printableJson` or, where the output is
// data to convert, `escapeJsonControl` alone.

import { once } from 'node:events';
import { escapeJsonControl, printable, printableJson } from '../text/safe.js';

let closed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    closed = true;
    process.exit(0);
  }
  throw error;
});

/** Raw text on stdout: for what is already safe (a report file written safe, a JSON line). */
export async function writeOut(text: string): Promise<void> {
  if (closed) return;
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Raw text on stderr. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

const lines = (texts: readonly string[]) => texts.map((text) => `${printable(text)}\n`).join('');

/** Lines of human-readable text on stdout; a line break inside one shows as `\n`. */
export function printLines(...texts: string[]): Promise<void> {
  return writeOut(lines(texts));
}

/** Lines of human-readable text on stderr (warnings, summaries, what was skipped). */
export function warnLines(...texts: string[]): void {
  writeErr(lines(texts));
}

/**
 * One JSON value on a line of its own. `credentials: 'keep'` for data the user converts (a card as
 * JSONL), where masking would lose it; otherwise they are masked like in every other output.
 */
export function printJson(
  value: unknown,
  options: { indent?: number; credentials?: 'mask' | 'keep' } = {},
): Promise<void> {
  const json = JSON.stringify(value, null, options.indent);
  return writeOut(`${options.credentials === 'keep' ? escapeJsonControl(json) : printableJson(json)}\n`);
}

export const isTerminal = (): boolean => process.stdout.isTTY === true;
