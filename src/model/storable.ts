// Text the proposal store cannot hold: U+0000 (PostgreSQL's text and jsonb refuse it; SQLite would take
// it, so both stores refuse it alike) and a UTF-16 surrogate that is not half of a pair (no UTF-8 form).
// The local readers refuse a record holding one, the store a finding or note; both find them here. Pure.

/** U+0000, or a surrogate that is not half of a pair (in `u` mode a pair reads as one code point). */
const UNSTORABLE = /[\0\p{Cs}]/u;
export const UNSTORABLE_ALL = /[\0\p{Cs}]/gu;
/** Any surrogate or U+0000: a quicker first look, paired surrogates (emoji) included. */
const SUSPECT = /[\0\ud800-\udfff]/;

/** The first character of `text` the store cannot hold, or undefined. */
export function unstorableChar(text: string): string | undefined {
  return SUSPECT.test(text) ? UNSTORABLE.exec(text)?.[0] : undefined;
}

export function isStorable(text: string): boolean {
  return unstorableChar(text) === undefined;
}

/** Such a character named for a message, never shown itself: `U+0000`, `a lone UTF-16 surrogate (U+D800)`. */
export function unstorableName(char: string): string {
  if (char === '\0') return 'U+0000';
  return `a lone UTF-16 surrogate (U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
}

export interface Unstorable {
  /** The path of the string, or of the object whose key holds it (`facts.developer[1].label`). */
  readonly path: string;
  readonly char: string;
  /** The character is in one of the object's keys, not in a value. */
  readonly inKey: boolean;
}

/**
 * The first key or string of `value` (a JSON value, a record's typed value, a finding) the store cannot
 * hold, and where. Walks without recursion, so a deeply nested value cannot overflow the stack; an
 * object's keys are looked at before its values.
 */
export function findUnstorable(value: unknown, path: string): Unstorable | undefined {
  const pending: Array<[unknown, string]> = [[value, path]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, at] = next;
    if (typeof item === 'string') {
      const char = unstorableChar(item);
      if (char) return { path: at, char, inKey: false };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${at}[${i}]`]);
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      for (const [key] of entries) {
        const char = unstorableChar(key);
        if (char) return { path: at, char, inKey: true };
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i] as [string, unknown];
        pending.push([member, at === '' ? key : `${at}.${key}`]);
      }
    }
  }
  return undefined;
}
