// Plain values of facts and their normalisation for comparison (SPEC §3): text, URLs, item references.
// Normalised forms are comparison keys only; what a user wrote is kept as written.

import { BIDI_CONTROLS, escapeJsonControl } from '../text/escape.js';
import { type ItemId, isItemId } from './ids.js';

/** The result of reading a value: the value, or why it is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** An item as the local store names it: by label, by QID, or both. */
export interface ItemRef {
  readonly id?: ItemId;
  readonly label?: string;
}

/**
 * Printable ASCII words each one space apart: text normalizeText leaves as it is (ASCII is NFC, and
 * there is no whitespace to collapse or trim).
 */
const PLAIN_TEXT = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/** Text: Unicode NFC, whitespace collapsed, otherwise exact. */
export function normalizeText(text: string): string {
  // Most text is plain: one regular expression test, where NFC and the collapse cost ~5 times as
  // much (every record's texts are normalised each night, by the plan job and again by its batch).
  if (PLAIN_TEXT.test(text)) return text;
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * The key under which two labels are "the same" (SPEC §3): case-, whitespace- and accent-insensitive.
 * `Café  Society` and `cafe society` share a key.
 */
export function labelKey(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Characters a value cannot carry into a local record or a terminal as they are: C0 and C1 controls,
 * DEL, the line and paragraph separators (U+2028, U+2029: line ends to JavaScript and to many editors)
 * and the bidirectional controls, which make text read differently from what it says.
 */
export const CONTROL_CHARACTER = new RegExp(`[\\p{Cc}\\u2028\\u2029${BIDI_CONTROLS}]`, 'u');

/** What a URL must percent-encode: whitespace, controls, and the quotes, angle brackets, backtick and backslash that end or escape it in Markdown, HTML or JSON. */
const NOT_IN_URL = new RegExp(`[\\s\\p{Cc}${BIDI_CONTROLS}<>"'\`\\\\]`, 'u');

const BIDI = new RegExp(`[${BIDI_CONTROLS}]`, 'u');

const NAMES: Readonly<Record<string, string>> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a newline',
  '\r': 'a carriage return',
  '\u2028': 'a line separator',
  '\u2029': 'a paragraph separator',
};
const SIGNS: Readonly<Record<string, string>> = {
  '"': 'a double quote (")',
  "'": "an apostrophe (')",
  '`': 'a backtick (`)',
  '\\': 'a backslash (\\)',
};

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** A character named for a message: `a newline (U+000A)`, `a double quote (")`, `"<"`. */
export function characterName(char: string): string {
  const named = NAMES[char];
  if (named) return `${named} (${codePoint(char)})`;
  if (BIDI.test(char)) return `a bidirectional control (${codePoint(char)})`;
  if (/\p{Cc}/u.test(char)) return `a control character (${codePoint(char)})`;
  if (/\s/u.test(char)) return `a whitespace character (${codePoint(char)})`;
  return SIGNS[char] ?? `"${char}"`;
}

/** The first character of `text` that `pattern` (one character, no flags but `u`) matches, and its 1-based position in characters. */
export function findCharacter(
  text: string,
  pattern: RegExp,
): { char: string; position: number; name: string } | undefined {
  let position = 0;
  for (const char of text) {
    position++;
    if (pattern.test(char)) return { char, position, name: characterName(char) };
  }
  return undefined;
}

/**
 * A value as JSON for a message, on one line and safe to print: DEL, C1 controls, the line separators
 * and the bidirectional controls are escaped too (JSON.stringify escapes only C0 controls).
 */
export function printableJson(value: unknown): string {
  return escapeJsonControl(JSON.stringify(value) ?? String(value));
}

/** Text quoted for a message (see printableJson); long text is cut at 120 characters. */
export function quoted(text: string): string {
  const chars = [...text];
  return printableJson(chars.length > 120 ? `${chars.slice(0, 120).join('')}…` : text);
}

/** `%E2%80%A8` for U+2028: the UTF-8 percent-encoding of one character. */
function percentEncoded(char: string): string {
  return [...new TextEncoder().encode(char)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/**
 * A URL as the store keeps it, after checking that it is one (absolute, http or https). Whitespace,
 * controls, quotes, angle brackets, a backtick or a backslash inside it are refused first, with the character and its position:
 * `new URL` would silently drop a tab or newline and encode the rest, so the URL checked would not be
 * the one a card or a JSONL line states.
 */
export function parseWebUrl(text: string): Parsed<string> {
  const trimmed = text.trim();
  const found = findCharacter(trimmed, NOT_IN_URL);
  if (found)
    return {
      ok: false,
      reason: `${quoted(trimmed)} has ${found.name} at character ${found.position}: percent-encode it as ${percentEncoded(found.char)}`,
    };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, reason: `${quoted(trimmed)} is not an absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `${quoted(trimmed)} is not an http(s) URL` };
  }
  return { ok: true, value: trimmed };
}

/**
 * The comparison key of a URL (SPEC §3): scheme and host case-insensitive, http ≡ https, a trailing `/`
 * ignored. Path, query and fragment stay exact: `/Sora` and `/sora` are different pages on most hosts.
 */
export function urlKey(text: string): string {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed;
  }
  const host = url.host.toLowerCase();
  let rest = `${url.pathname}${url.search}${url.hash}`;
  if (rest.endsWith('/')) rest = rest.replace(/\/+$/, '');
  return `${host}${rest}`;
}

/** An item reference from the forms SPEC §2 allows: `"OpenAI"`, `"Q21708200"`, `{"id":…,"label":…}`. */
export function parseItemRef(raw: unknown): Parsed<ItemRef> {
  if (typeof raw === 'string') {
    const text = normalizeText(raw);
    if (text === '') return { ok: false, reason: 'an item must not be empty' };
    return { ok: true, value: isItemId(text) ? { id: text } : { label: text } };
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const { id, label } = raw as { id?: unknown; label?: unknown };
    if (id !== undefined && !isItemId(id))
      return { ok: false, reason: `item id ${JSON.stringify(id)} is not a QID` };
    if (label !== undefined && typeof label !== 'string')
      return { ok: false, reason: 'item label must be a string' };
    if (id === undefined && (label === undefined || normalizeText(label) === '')) {
      return { ok: false, reason: 'an item needs an id or a label' };
    }
    const value: { id?: ItemId; label?: string } = {};
    if (id !== undefined) value.id = id;
    if (label !== undefined) value.label = normalizeText(label);
    return { ok: true, value };
  }
  return { ok: false, reason: `expected an item (label, QID or {"id","label"}), got ${describe(raw)}` };
}

/** The JSONL form of an item reference: a bare label or QID when that is all there is. */
export function formatItemRef(ref: ItemRef): string | { id: ItemId; label: string } {
  if (ref.id && ref.label) return { id: ref.id, label: ref.label };
  return ref.id ?? ref.label ?? '';
}

/** Two local item references that say the same thing (same QID, or same label key when no QIDs). */
export function sameItemRef(a: ItemRef, b: ItemRef): boolean {
  if (a.id && b.id) return a.id === b.id;
  if (a.label && b.label) return labelKey(a.label) === labelKey(b.label);
  return false;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value)}`;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
