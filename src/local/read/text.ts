// Bytes read from the local store as text: a binary or non-UTF-8 record is an error, not mojibake.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  if (bytes.includes(0)) return { ok: false, reason: 'binary data (NUL bytes), not a text record' };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, reason: 'not valid UTF-8 text (a binary file, or another encoding)' };
  }
}
