// What a request's parameters may not hold: a NUL character (no factsync value has one; PostgreSQL
// cannot store it in text and fails the query, SQLite's LIKE stops at it and matches everything), or
// bytes that are not UTF-8 (decoders would turn them into U+FFFD and search for that). Checked on the
// raw percent-encoded text, before anything decodes it leniently. Pure.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const hex = (byte: number | undefined): number => {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
};

/**
 * The bytes a percent-encoded text stands for (`+` as a space when `plusIsSpace`, as in a query or a
 * form). A `%` not followed by two hex digits stays as it is, as decoders do.
 */
export function percentDecode(encoded: Uint8Array, plusIsSpace: boolean): Uint8Array {
  const out = new Uint8Array(encoded.length);
  let length = 0;
  for (let i = 0; i < encoded.length; i++) {
    const byte = encoded[i] as number;
    const high = byte === 0x25 ? hex(encoded[i + 1]) : -1;
    const low = high >= 0 ? hex(encoded[i + 2]) : -1;
    if (low >= 0) {
      out[length++] = high * 16 + low;
      i += 2;
    } else out[length++] = plusIsSpace && byte === 0x2b ? 0x20 : byte;
  }
  return out.subarray(0, length);
}

/** What is wrong with decoded bytes as text: a NUL, or not UTF-8; undefined when they are fine. */
export function bytesProblem(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return 'contains a NUL character (%00), which no value here can hold';
  try {
    UTF8.decode(bytes);
    return undefined;
  } catch {
    return 'is not valid UTF-8 (text must be percent-encoded UTF-8)';
  }
}

/** A request target's text as its bytes: Node gives the target as latin1, one char a byte. */
export function targetBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** A name to show in a message: short, decoded when that is safe. */
function shownName(encodedName: Uint8Array): string {
  const bytes = percentDecode(encodedName, true);
  const name = bytesProblem(bytes) === undefined ? Buffer.from(bytes).toString('utf8') : '?';
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}

/**
 * The first problem of an `a=1&b=2` text (a query string, or a urlencoded form body), naming the
 * parameter: `query parameter "q" contains a NUL character …`.
 */
export function pairsProblem(
  encoded: Uint8Array,
  what: 'query parameter' | 'form field',
): string | undefined {
  let start = 0;
  while (start <= encoded.length) {
    let end = encoded.indexOf(0x26, start); // &
    if (end < 0) end = encoded.length;
    const pair = encoded.subarray(start, end);
    const equals = pair.indexOf(0x3d); // =
    const name = equals < 0 ? pair : pair.subarray(0, equals);
    const nameProblem = bytesProblem(percentDecode(name, true));
    if (nameProblem) return `a ${what} name ${nameProblem}`;
    if (equals >= 0) {
      const valueProblem = bytesProblem(percentDecode(pair.subarray(equals + 1), true));
      if (valueProblem) return `${what} ${shownName(name)} ${valueProblem}`;
    }
    start = end + 1;
  }
  return undefined;
}

/** The first problem of a request target (`/path?query`): its path, then its query parameters. */
export function targetProblem(target: string): string | undefined {
  const bytes = targetBytes(target);
  const mark = bytes.indexOf(0x3f); // ?
  const pathBytes = mark < 0 ? bytes : bytes.subarray(0, mark);
  const pathProblem = bytesProblem(percentDecode(pathBytes, false));
  if (pathProblem) return `the path ${pathProblem}`;
  return mark < 0 ? undefined : pairsProblem(bytes.subarray(mark + 1), 'query parameter');
}

/** The first string holding a NUL in a parsed JSON body, named by its top-level field. */
export function jsonProblem(value: unknown, field = ''): string | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? `JSON field ${JSON.stringify(field || '(top level)')} contains a NUL character (\\u0000), which no value here can hold`
      : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item, field);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(key, field || key) ?? jsonProblem(item, field || key);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** A urlencoded form body (already checked) as fields; a field given twice is a list, as ticked rows are. */
export function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = fields[name];
    if (previous === undefined) fields[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else fields[name] = [previous, value];
  }
  return fields;
}
