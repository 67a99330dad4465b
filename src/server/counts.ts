// Counts for the filter menus and the "N match" line, kept a few seconds: walking the Next links of
// 100,000 proposals re-reads one keyset page each time, not every count (40 ms each at that size).
// A review made through this server clears them at once; a run's new proposals show within the TTL.

import type { ProposalFilter, ProposalStore } from '../sinks/store.js';

export class CountCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly store: ProposalStore,
    private readonly ttlMs = 10_000,
  ) {}

  private cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 1_000) this.entries.clear();
    this.entries.set(key, { at: now, value });
    return value;
  }

  count(filter: ProposalFilter): Promise<number> {
    return this.cached(`count\0${JSON.stringify(filter)}`, () => this.store.count(filter));
  }

  countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>> {
    return this.cached(`${by}\0${JSON.stringify(filter)}`, () => this.store.countBy(filter, by));
  }

  clear(): void {
    this.entries.clear();
  }
}
