// Text from cards, from Wikimedia and from upstream error messages is printed to terminals and written
// into reports. Control characters in it would act instead of showing: ESC starts sequences that set
// the window title or clear the screen, BEL rings, CR rewrites a line, a line break forges a line of a
// list, bidi overrides reorder what the reader sees. Here they become visible escapes. Pure.

/**
 * The bidirectional marks, embeddings, overrides and isolates (the "Trojan Source" set): text that reads
 * differently from what it says. A regular-expression class body, shared with the checks that refuse them.
 */
export const BIDI_CONTROLS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

/** C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the bidi controls. */
const CONTROL = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`, 'g');
/** The same, but line breaks and tabs, for text whose layout is meant (a diff, a report file). */
const CONTROL_BUT_LAYOUT = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]|\\r(?!\\n)`,
  'g',
);

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0x7f ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

export interface EscapeOptions {
  /**
   * Keep line breaks (LF, CRLF) and tabs: for text that is several lines by design. A lone CR is still
   * escaped (it would let a line overwrite itself).
   */
  readonly keepLayout?: boolean;
}

/**
 * `text` with every control character as a visible escape: ESC as `\x1b`, BEL as `\x07`, a line break
 * as `\n`, U+2028 as `\u2028`, a right-to-left override as `\u202e`. Printable text, including every
 * other non-ASCII character, is unchanged.
 */
export function escapeControl(text: string, options: EscapeOptions = {}): string {
  return text.replace(options.keepLayout ? CONTROL_BUT_LAYOUT : CONTROL, visible);
}

/** JSON never holds these raw outside a string, and JSON.stringify leaves them raw inside one. */
const RAW_IN_JSON = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`, 'g');

/**
 * JSON text (from JSON.stringify) with the characters JSON leaves raw — DEL, C1 controls, U+2028/9
 * and the bidi controls — written as `\uXXXX`. It parses to exactly the same value.
 */
export function escapeJsonControl(json: string): string {
  return json.replace(RAW_IN_JSON, (char) => `\\u${hex(char.charCodeAt(0), 4)}`);
}
