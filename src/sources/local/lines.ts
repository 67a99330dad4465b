// Lines of a file, streamed with a bounded length: a line over the limit is reported (its number and
// size) and skipped without ever being held whole, so one huge line cannot exhaust memory.

import { createReadStream } from 'node:fs';

export type FileLine = { line: number; bytes: Buffer } | { line: number; tooLong: number };

const NEWLINE = 0x0a;
const CR = 0x0d;

export async function* readLines(file: string, maxBytes: number): AsyncGenerator<FileLine> {
  let parts: Buffer[] = [];
  let size = 0; // bytes of the current line so far
  let overLimit = false; // the current line is too long: its bytes are counted, not kept
  let line = 1;

  const take = (piece: Buffer) => {
    size += piece.length;
    if (!overLimit && size > maxBytes) {
      overLimit = true;
      parts = [];
    }
    // Copy: the stream may reuse its chunk's memory.
    if (!overLimit && piece.length > 0) parts.push(Buffer.from(piece));
  };
  const finish = (): FileLine => {
    const result: FileLine = overLimit
      ? { line, tooLong: size }
      : { line, bytes: stripCr(Buffer.concat(parts)) };
    parts = [];
    size = 0;
    overLimit = false;
    line++;
    return result;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0) yield finish();
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
}
