// The run report as JSON, a piece at a time: a night's run holds millions of proposals, too many for
// one string. The pieces join into exactly what `JSON.stringify({ run, proposals }, null, 2)` and a
// newline give (the review page and scripts read that document), so the streaming is invisible —
// except that credentials are masked and the control characters JSON leaves raw are escaped
// (printableJson: the same value, minus the secrets). Each piece holds whole values. Pure.

import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { printableJson } from '../../text/safe.js';

/** About this many characters per piece: few enough writes, and a bounded buffer. */
const PIECE = 64 * 1024;

/**
 * A value as `JSON.stringify(…, null, 2)` writes it nested `depth` levels deep: the same text with
 * every line after the first indented. Exact, because JSON escapes line breaks inside strings.
 */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

export async function* reportJsonPieces(
  run: RunRecord,
  proposals: AsyncIterable<Proposal> | Iterable<Proposal>,
): AsyncGenerator<string> {
  let piece = `{\n  "run": ${nested(run, 1)},\n  "proposals": [`;
  let any = false;
  for await (const proposal of proposals) {
    piece += `${any ? ',' : ''}\n    ${nested(proposal, 2)}`;
    any = true;
    if (piece.length >= PIECE) {
      yield printableJson(piece);
      piece = '';
    }
  }
  yield printableJson(`${piece}${any ? '\n  ' : ''}]\n}\n`);
}
