// Parsed answers in tests that need them whole: every value believed, or the test fails naming why not.

import { isUnreadable, type UnreadableAnswer } from '../../src/model/remote.js';

export function believe<K, V>(parsed: ReadonlyMap<K, V | UnreadableAnswer>): Map<K, V> {
  const out = new Map<K, V>();
  for (const [key, value] of parsed) {
    if (isUnreadable(value)) throw new Error(`unreadable answer for ${String(key)}: ${value.reason}`);
    out.set(key, value);
  }
  return out;
}
