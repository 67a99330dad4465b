// Comparing one local value with one remote value, by type (SPEC §3). Pure.

import type { SingleFact } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { ItemLabels, RemoteValue } from '../model/remote.js';
import { comparePrecision, sameAtCoarserPrecision, type TimeValue } from '../model/time.js';
import { type ItemRef, normalizeText, urlKey } from '../model/values.js';
import { sameItem } from './values.js';

/**
 * equal: nothing to propose · remote-refines: the remote is more precise (an update) · local-refines:
 * the local value is more precise (an upstream candidate) · differs · unknown: cannot be told (a remote
 * date coarser than a decade, an item whose labels were not fetched).
 */
export type Verdict = 'equal' | 'remote-refines' | 'local-refines' | 'differs' | 'unknown';

/** A remote time against a local one, through precision: equal when the same at the coarser one. */
export function compareTime(local: TimeValue, remote: Extract<RemoteValue, { type: 'time' }>): Verdict {
  if (remote.value) {
    if (!sameAtCoarserPrecision(local, remote.value)) return 'differs';
    const precision = comparePrecision(remote.value, local);
    return precision > 0 ? 'remote-refines' : precision < 0 ? 'local-refines' : 'equal';
  }
  // Coarser than a year: a decade (precision 8) can still be compared; anything coarser cannot.
  const year = /^([+-])(\d+)/.exec(remote.time);
  if (remote.precision !== 8 || !year) return 'unknown';
  const remoteYear = Number(year[2]) * (year[1] === '-' ? -1 : 1);
  return Math.floor(local.year / 10) === Math.floor(remoteYear / 10) ? 'local-refines' : 'differs';
}

export function compareValue(
  type: string,
  local: SingleFact,
  remote: RemoteValue,
  labels: ReadonlyMap<ItemId, ItemLabels>,
  languages: readonly string[],
): Verdict {
  switch (type) {
    case 'time':
      return remote.type === 'time' ? compareTime(local as TimeValue, remote) : 'unknown';
    case 'item': {
      if (remote.type !== 'item') return 'unknown';
      const same = sameItem(local as ItemRef, remote.id, labels, languages);
      return same === undefined ? 'unknown' : same ? 'equal' : 'differs';
    }
    case 'url':
      return remote.type === 'string' && urlKey(local as string) === urlKey(remote.value)
        ? 'equal'
        : 'differs';
    default: {
      const text =
        remote.type === 'string' ? remote.value : remote.type === 'monolingualtext' ? remote.text : undefined;
      if (text === undefined) return 'unknown';
      return normalizeText(local as string) === normalizeText(text) ? 'equal' : 'differs';
    }
  }
}

/** Whether two remote values are the same value (several best-rank statements may repeat one). */
export function sameRemote(a: RemoteValue, b: RemoteValue): boolean {
  if (a.type === 'item' && b.type === 'item') return a.id === b.id;
  if (a.type === 'time' && b.type === 'time') return a.time === b.time && a.precision === b.precision;
  if (a.type === 'string' && b.type === 'string') return urlKey(a.value) === urlKey(b.value);
  return JSON.stringify(a) === JSON.stringify(b);
}
