// Writing the local store back safely: a card is replaced atomically (a temporary file beside it, then a
// rename), and a JSONL file is streamed line by line into a temporary file that replaces it at the end,
// so a store of a million lines is never held in memory and a crash leaves the old file intact.
// Temporary files start with "." so the cards reader never takes one for a card (isCardName, ../paths.ts).

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { bomOf } from '../text.js';

/** The local file changed while apply was rewriting it: nothing was written; run apply again. */
export class LocalChangedError extends Error {
  readonly code = 'LOCAL_CHANGED';
  constructor(readonly file: string) {
    super(`${file} changed while apply was rewriting it; nothing was written, run apply again`);
    this.name = 'LocalChangedError';
  }
}

function tempPathFor(file: string): string {
  const suffix = `${process.pid}.${randomBytes(6).toString('hex')}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.apply-${suffix}.tmp`);
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Replaces `file` with `content`, atomically, keeping its permissions — unless the file no longer
 * holds `expected` (someone edited it since it was read), in which case nothing is written.
 */
export async function replaceFile(
  file: string,
  content: string,
  expected: Buffer,
): Promise<'written' | 'changed'> {
  const temp = tempPathFor(file);
  const { mode } = await stat(file);
  const handle = await open(temp, 'wx', mode & 0o777);
  try {
    await writeAll(handle, Buffer.from(content, 'utf8'));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (!(await readFile(file)).equals(expected)) {
      await rm(temp, { force: true });
      return 'changed';
    }
    await rename(temp, file);
    return 'written';
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export interface JsonlRewriteOptions {
  readonly file: string;
  /** Lines longer than this are copied through unread (the reader reports and skips them too). */
  readonly maxLineBytes: number;
  /** Reads the file and calls `edit`, but writes nothing. */
  readonly dryRun: boolean;
  /** The new text of a line (without its line break), or undefined to keep it byte for byte. */
  readonly edit: (text: string, line: number) => string | undefined;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const FLUSH_BYTES = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Streams a JSONL file through `edit`, line by line, into a temporary file that replaces it when any
 * line changed. Line breaks (`\n` or `\r\n`), unchanged lines and undecodable lines are kept byte for
 * byte. Throws LocalChangedError, writing nothing, when the file changed meanwhile. Returns how many
 * lines changed.
 */
export async function rewriteJsonlFile(options: JsonlRewriteOptions): Promise<number> {
  const { file, maxLineBytes, dryRun, edit } = options;
  const before = await stat(file);
  const temp = tempPathFor(file);
  const handle = dryRun ? undefined : await open(temp, 'wx', before.mode & 0o777);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const emit = async (bytes: Buffer) => {
    if (!handle || bytes.length === 0) return;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= FLUSH_BYTES) await flush();
  };
  const flush = async () => {
    if (!handle || pendingBytes === 0) return;
    const bytes = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await writeAll(handle, bytes);
  };

  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let lineNumber = 1;
  let changed = 0;
  const take = async (piece: Buffer) => {
    size += piece.length;
    if (tooLong) return emit(Buffer.from(piece));
    parts.push(Buffer.from(piece)); // the stream may reuse its chunk's memory
    if (size > maxLineBytes) {
      tooLong = true;
      await emit(Buffer.concat(parts));
      parts = [];
    }
  };
  const endLine = async (newline: boolean) => {
    if (!tooLong) {
      const raw = Buffer.concat(parts);
      const cr = raw.length > 0 && raw[raw.length - 1] === CR;
      const bytes = cr ? raw.subarray(0, -1) : raw;
      let text: string | undefined;
      try {
        text = utf8.decode(bytes);
      } catch {
        text = undefined;
      }
      const next = text === undefined ? undefined : edit(text, lineNumber);
      if (next !== undefined && next !== text) {
        changed++;
        // The decoder drops a byte-order mark (as the reader's does); the rewritten line keeps it.
        await emit(Buffer.from(`${bomOf(bytes)}${next}${cr ? '\r' : ''}`, 'utf8'));
      } else await emit(raw);
    }
    if (newline) await emit(Buffer.from([NEWLINE]));
    parts = [];
    size = 0;
    tooLong = false;
    lineNumber++;
  };

  try {
    for await (const chunk of createReadStream(file, {
      highWaterMark: FLUSH_BYTES,
    }) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        await take(chunk.subarray(start, end));
        await endLine(true);
        start = end + 1;
      }
      await take(chunk.subarray(start));
    }
    if (size > 0) await endLine(false);
    await flush();
    if (handle) {
      await handle.sync();
      await handle.close();
    }
    if (dryRun) return changed;
    const after = await stat(file);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new LocalChangedError(file);
    if (changed > 0) await rename(temp, file);
    else await rm(temp, { force: true });
    return changed;
  } catch (error) {
    await handle?.close().catch(() => {});
    if (handle) await rm(temp, { force: true });
    throw error;
  }
}
