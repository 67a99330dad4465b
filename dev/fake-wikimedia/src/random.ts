// Deterministic randomness for the fake Wikimedia: every generated value is a function of
// (seed, index, purpose), so any entity can be built alone, in any order, on any machine.

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough for test data (not for anything secret). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of numbers and strings: FNV-1a over their text, then murmur3's finalizer. */
export function hash32(...parts: ReadonlyArray<number | string>): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by the parts alone. */
export function unitHash(...parts: ReadonlyArray<number | string>): number {
  return hash32(...parts) / 4294967296;
}

export function rngFor(...parts: ReadonlyArray<number | string>): Random {
  return mulberry32(hash32(...parts));
}

export function pick<T>(random: Random, list: readonly T[]): T {
  const value = list[Math.floor(random() * list.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

/** An integer in [min, max], both included. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

/** `count` distinct elements of `list`, in list order. */
export function sample<T>(random: Random, list: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  const wanted = Math.min(count, list.length);
  while (chosen.size < wanted) chosen.add(Math.floor(random() * list.length));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i] as T);
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(random: Random, length: number): string {
  let text = '';
  while (text.length < length) {
    const n = (random() * 4294967296) >>> 0;
    text += `${BYTE_HEX[n >>> 24]}${BYTE_HEX[(n >>> 16) & 255]}${BYTE_HEX[(n >>> 8) & 255]}${BYTE_HEX[n & 255]}`;
  }
  return text.length === length ? text : text.slice(0, length);
}

/** A statement GUID's second half, in the form Wikibase writes (8-4-4-4-12 hex digits). */
export function guid(random: Random): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
