// Lines of a file, streamed with a bounded length: a line over the limit is reported (its number and
// size) and skipped without ever being held whole, so one huge line cannot exhaust memory. Each line
// comes with its byte span, so a batch of lines can be read again later by range.

import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { notFileOrFolder } from '../paths.js';

/** A line, with the byte offset where it starts and where the next one starts. */
export type FileLine = { line: number; start: number; end: number } & (
  | { bytes: Buffer }
  | { tooLong: number }
);

export interface LineRange {
  /** Byte offsets [start, end) of whole lines, and the number of the first. */
  readonly start: number;
  readonly end: number;
  readonly firstLine: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export async function* readLines(
  file: string,
  maxBytes: number,
  range?: LineRange,
): AsyncGenerator<FileLine> {
  if (range && range.end <= range.start) return;
  let parts: Buffer[] = [];
  let size = 0; // bytes of the current line so far
  let overLimit = false; // the current line is too long: its bytes are counted, not kept
  let line = range?.firstLine ?? 1;
  let lineStart = range?.start ?? 0;

  const take = (piece: Buffer) => {
    size += piece.length;
    if (!overLimit && size > maxBytes) {
      overLimit = true;
      parts = [];
    }
    // Copy: the stream may reuse its chunk's memory.
    if (!overLimit && piece.length > 0) parts.push(Buffer.from(piece));
  };
  const finish = (newline: number): FileLine => {
    const end = lineStart + size + newline;
    const result: FileLine = overLimit
      ? { line, start: lineStart, end, tooLong: size }
      : { line, start: lineStart, end, bytes: stripCr(Buffer.concat(parts)) };
    parts = [];
    size = 0;
    overLimit = false;
    line++;
    lineStart = end;
    return result;
  };

  // Non-blocking, and checked once open: a file replaced by a FIFO since it was planned never blocks.
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw notFileOrFolder(file, info);
  }
  const stream = handle.createReadStream({
    highWaterMark: 256 * 1024,
    ...(range ? { start: range.start, end: range.end - 1 } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, end));
      yield finish(1);
      start = end + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0) yield finish(0);
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
}
