// Lines of a file, streamed with a bounded length: a line over the limit is reported (its number and
// size) and skipped without ever being held whole, so one huge line cannot exhaust memory.

import { createReadStream } from 'node:fs';

export type FileLine = { line: number; bytes: Buffer } | { line: number; tooLong: number };

const NEWLINE = 0x0a;
const CR = 0x0d;

export async function* readLines(file: string, maxBytes: number): AsyncGenerator<FileLine> {
  let parts: Buffer[] = [];
  let pending = 0; // bytes held in parts
  let skipped = 0; // bytes of the current line, once over the limit
  let line = 1;

  const finish = (tail: Buffer): FileLine => {
    const result: FileLine =
      skipped > 0
        ? { line, tooLong: skipped + tail.length }
        : { line, bytes: stripCr(parts.length === 0 ? tail : Buffer.concat([...parts, tail])) };
    parts = [];
    pending = 0;
    skipped = 0;
    line++;
    return result;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      const tail = chunk.subarray(start, end);
      if (skipped === 0 && pending + tail.length > maxBytes) skipped = pending;
      yield finish(tail);
      start = end + 1;
    }
    const rest = chunk.subarray(start);
    if (skipped > 0) skipped += rest.length;
    else if (pending + rest.length > maxBytes) {
      skipped = pending + rest.length;
      parts = [];
      pending = 0;
    } else if (rest.length > 0) {
      // Copy: the stream may reuse its chunk's memory.
      parts.push(Buffer.from(rest));
      pending += rest.length;
    }
  }
  if (pending > 0 || skipped > 0) yield finish(Buffer.alloc(0));
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
}
