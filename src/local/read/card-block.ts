// A card's fenced JSON-LD block found in its lines, and the error a card that does not read is refused
// with (CardError, caught by parseCard in card-parser.ts). The block is located and parsed here; its
// facts are read by card-jsonld.ts. Pure.

import type { ReadWarning } from '../../model/record.js';
import type { JsonLdBlock } from './card-jsonld.js';

/** Why a card does not read, and the line that says so when there is one. */
export class CardError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

// The language is optional as a whole, so no two `\s*` meet over one run of spaces.
export const FENCE = /^\s*```(?:\s*([\w+-]+))?\s*$/;

/**
 * Reads a fenced JSON-LD block from `lines[start]` on; tolerates a missing closing fence, as in the seed
 * card: the block then ends at the `}` line that closes its top-level object, if the JSON up to there is
 * valid. Each line is looked at once and the JSON parsed at most twice, however the block is built.
 */
export function readJsonLd(
  lines: readonly string[],
  start: number,
  warnings: ReadWarning[],
  file: string,
): { block: JsonLdBlock; end: number } {
  let close = start;
  while (close < lines.length && !FENCE.test(lines[close] ?? '')) close++;
  if (close < lines.length) return { block: parseBlock(lines.slice(start, close), start, ''), end: close };
  const last = topLevelEnd(lines, start);
  if (last >= 0 && (lines[last] ?? '').trim() === '}') {
    const body = lines.slice(start, last + 1);
    let value: unknown;
    try {
      value = JSON.parse(body.join('\n'));
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      warnings.push({ file, line: start, warning: 'the JSON-LD block is not closed with ```' });
      return { block: asBlock(value, body, start), end: last };
    }
  }
  return {
    block: parseBlock(lines.slice(start), start, 'the block is not closed with ```'),
    end: lines.length,
  };
}

/** The line on which the JSON value starting at `lines[start]` closes its outermost bracket, or -1. */
function topLevelEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    for (let j = 0; j < line.length; j++) {
      const char = line[j];
      if (inString) {
        if (char === '\\') j++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth <= 0) return i;
      }
    }
  }
  return -1;
}

function parseBlock(body: string[], start: number, hint: string): JsonLdBlock {
  try {
    return asBlock(JSON.parse(body.join('\n')), body, start);
  } catch (error) {
    if (error instanceof CardError) throw error;
    throw new CardError(`the JSON-LD block is not valid JSON: ${(error as Error).message || hint}`, start);
  }
}

function asBlock(value: unknown, lines: string[], firstLine: number): JsonLdBlock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CardError('the JSON-LD block must be one JSON object', firstLine);
  }
  return { value: value as Record<string, unknown>, firstLine: firstLine + 1, lines };
}
