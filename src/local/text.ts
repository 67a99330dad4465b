// Bytes of the local store as text, both ways: reading, a binary or non-UTF-8 record is an error, not
// mojibake, and a byte-order mark is dropped (the parsers never see it); writing back, the mark a file
// or line had is put back, so apply changes only the values it writes.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  if (bytes.includes(0)) return { ok: false, reason: 'binary data (NUL bytes), not a text record' };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, reason: 'not valid UTF-8 text (a binary file, or another encoding)' };
  }
}

/** The byte-order mark to put back before text decoded from `bytes`: U+FEFF when they began with one. */
export function bomOf(bytes: Buffer): string {
  return bytes.subarray(0, 3).equals(BOM) ? '\uFEFF' : '';
}
