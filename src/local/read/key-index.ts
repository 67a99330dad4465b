// Where a record of the local store is, by key or QID: a card's file, or a JSONL line's byte span. Built
// by one full read of the store (`records()`), shared by every lookup and by concurrent ones (a single
// build in flight), and built again when the store changes: a JSONL file's size, mtime or inode, a card
// folder's (and its sub-folders') mtimes. A card edited in place changes no folder: for cards, a miss on
// an index older than `cardsMaxAgeMs` builds it again (a found card is read again anyway).
//
// Compact: a key is kept as a 32-bit hash in an open-addressing table, not as a string, and every hit
// is confirmed by reading the record (`batch()`), so a hash collision or a stale entry never returns
// the wrong record. About 30 bytes a record for JSONL (a million records: ~50 MB with their QIDs).

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ReadResult } from '../../model/record.js';
import type { LocalSource } from './source.js';

export interface KeyIndexOptions {
  /** For cards: how often at most the folders' mtimes are looked at. */
  readonly cardsCheckEveryMs?: number;
  /** For cards: a miss on an index older than this builds it again. */
  readonly cardsMaxAgeMs?: number;
  /** Folders whose mtimes are watched, at most (more: the age rule alone). */
  readonly maxWatchedFolders?: number;
}

/** FNV-1a over UTF-16 code units: fast, and collisions are confirmed away by reading the record. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Numbers appended one by one into a typed array (no boxed doubles while a big store is read). */
class Numbers<T extends Uint32Array | Float64Array> {
  length = 0;
  constructor(
    private array: T,
    private readonly make: (size: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.array.length) {
      const bigger = this.make(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }

  /** The numbers pushed, in an array of their own size. */
  done(): T {
    return this.array.slice(0, this.length) as T;
  }
}

const uint32s = () => new Numbers(new Uint32Array(1024), (size) => new Uint32Array(size));
const float64s = () => new Numbers(new Float64Array(1024), (size) => new Float64Array(size));

/** Hash → record slots, open addressing with linear probing. */
class SlotTable {
  private readonly hashes: Uint32Array;
  private readonly slots: Int32Array; // slot + 1; 0 = empty
  private readonly mask: number;

  constructor(hashes: Uint32Array, slots: Uint32Array) {
    let size = 16;
    while (size < hashes.length * 2) size *= 2;
    this.mask = size - 1;
    this.hashes = new Uint32Array(size);
    this.slots = new Int32Array(size);
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i] as number;
      let at = hash & this.mask;
      while (this.slots[at] !== 0) at = (at + 1) & this.mask;
      this.hashes[at] = hash;
      this.slots[at] = (slots[i] as number) + 1;
    }
  }

  /** The slots whose key or QID may be `text`, in file order. */
  candidates(text: string): number[] {
    const hash = hashOf(text);
    const found = new Set<number>();
    for (let at = hash & this.mask; this.slots[at] !== 0; at = (at + 1) & this.mask)
      if (this.hashes[at] === hash) found.add((this.slots[at] as number) - 1);
    return [...found].sort((a, b) => a - b);
  }
}

interface Built {
  readonly stamp: string;
  readonly builtAt: number;
  readonly table: SlotTable;
  /** Cards: the file of each slot. */
  readonly files: readonly string[];
  /** JSONL: the byte span and line number of each slot. */
  readonly spans: Float64Array;
  readonly lines: Uint32Array;
  /** Cards: the folders whose mtimes make the stamp. */
  readonly folders: readonly string[];
}

export class LocalKeyIndex {
  /** Full reads of the store so far (for tests and the log). */
  builds = 0;
  private current: Built | undefined;
  private building: Promise<Built> | undefined;
  private checking: Promise<string> | undefined;
  private checkedAt = 0;
  private readonly options: Required<KeyIndexOptions>;

  constructor(
    private readonly source: LocalSource,
    options: KeyIndexOptions = {},
  ) {
    this.options = {
      cardsCheckEveryMs: 1_000,
      cardsMaxAgeMs: 60_000,
      maxWatchedFolders: 1_000,
      ...options,
    };
  }

  /** The record whose key (or QID) is `key`, read again from the store; undefined when there is none. */
  async find(key: string): Promise<ReadResult | undefined> {
    let index = await this.ready();
    const hit = await this.lookup(index, key);
    if (hit || this.source.kind !== 'cards' || Date.now() - index.builtAt < this.options.cardsMaxAgeMs)
      return hit;
    index = await this.rebuild();
    return this.lookup(index, key);
  }

  private async lookup(index: Built, key: string): Promise<ReadResult | undefined> {
    for (const slot of index.table.candidates(key)) {
      const result = await this.read(index, slot);
      if (result?.ok && (result.record.key === key || result.record.qid === key)) return result;
    }
    return undefined;
  }

  private async read(index: Built, slot: number): Promise<ReadResult | undefined> {
    const batch =
      this.source.kind === 'cards'
        ? this.source.batch({ kind: 'cards', files: [index.files[slot] as string] })
        : this.source.batch({
            kind: 'jsonl',
            file: this.source.path,
            start: index.spans[slot * 2] as number,
            end: index.spans[slot * 2 + 1] as number,
            firstLine: index.lines[slot] as number,
          });
    for await (const result of batch) return result;
    return undefined;
  }

  /** The index, built or built again when the store has changed since. */
  private async ready(): Promise<Built> {
    const index = this.current;
    if (index && (await this.stampNow(index)) === index.stamp) return index;
    return this.rebuild();
  }

  private rebuild(): Promise<Built> {
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  /** The store's stamp now; for cards looked at no more often than cardsCheckEveryMs. */
  private stampNow(index: Built): Promise<string> {
    const cards = this.source.kind === 'cards';
    if (cards && Date.now() - this.checkedAt < this.options.cardsCheckEveryMs)
      return Promise.resolve(index.stamp);
    this.checking ??= this.stamp(index.folders).finally(() => {
      this.checking = undefined;
      this.checkedAt = Date.now();
    });
    return this.checking;
  }

  private async stamp(folders: readonly string[]): Promise<string> {
    if (this.source.kind === 'jsonl') {
      const info = await stat(this.source.path).catch(() => undefined);
      return info ? `${info.size}:${info.mtimeMs}:${info.ino}` : 'missing';
    }
    const times = await Promise.all(
      [this.source.path, ...folders].map((folder) =>
        stat(folder).then(
          (info) => info.mtimeMs,
          () => -1,
        ),
      ),
    );
    return times.join(':');
  }

  private async build(): Promise<Built> {
    this.builds++;
    const builtAt = Date.now();
    const jsonl = this.source.kind === 'jsonl';
    // A JSONL file stamped before it is read: a change while it is read shows at the next lookup.
    const before = jsonl ? await this.stamp([]) : undefined;
    const hashes = uint32s();
    const slots = uint32s();
    const spans = float64s();
    const lines = uint32s();
    const files: string[] = [];
    const folders = new Set<string>();
    for await (const result of this.source.records()) {
      if (!result.ok) continue;
      const { record } = result;
      const slot = jsonl ? lines.length : files.length;
      if (jsonl) {
        if (!record.span) continue;
        spans.push(record.span.start);
        spans.push(record.span.end);
        lines.push(record.line ?? 1);
      } else {
        files.push(record.file);
        if (folders.size <= this.options.maxWatchedFolders) folders.add(path.dirname(record.file));
      }
      hashes.push(hashOf(record.key));
      slots.push(slot);
      if (record.qid !== record.key) {
        hashes.push(hashOf(record.qid));
        slots.push(slot);
      }
    }
    folders.delete(this.source.path);
    const watched = folders.size <= this.options.maxWatchedFolders ? [...folders].sort() : [];
    const built: Built = {
      stamp: before ?? (await this.stamp(watched)),
      builtAt,
      table: new SlotTable(hashes.done(), slots.done()),
      files,
      spans: spans.done(),
      lines: lines.done(),
      folders: watched,
    };
    this.current = built;
    this.checkedAt = Date.now();
    return built;
  }
}
