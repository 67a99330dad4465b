// Plain values of facts and their normalisation for comparison (SPEC §3): text, URLs, item references.
// Normalised forms are comparison keys only; what a user wrote is kept as written.

import { type ItemId, isItemId } from './ids.js';

/** The result of reading a value: the value, or why it is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** An item as the local store names it: by label, by QID, or both. */
export interface ItemRef {
  readonly id?: ItemId;
  readonly label?: string;
}

/** Text: Unicode NFC, whitespace collapsed, otherwise exact. */
export function normalizeText(text: string): string {
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

/** A URL as the store keeps it, after checking that it is one (absolute, http or https). */
export function parseWebUrl(text: string): Parsed<string> {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, reason: `"${trimmed.slice(0, 80)}" is not an absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `"${trimmed.slice(0, 80)}" is not an http(s) URL` };
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
