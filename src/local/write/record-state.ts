// What a record says now, against what a proposal wants written and what it was made against. Pure.
//
// Apply writes a value only over the value the reviewer saw: when the record already says the remote
// value the proposal is done (nothing to write), and when it says something else than the proposal's
// `local` side, an editor changed it since the last sync and apply leaves it alone.

import type { FactValue, SingleFact } from '../../model/fields.js';
import type { ItemValue, PageValue, Proposal, ProposalValue } from '../../model/proposal.js';
import type { LocalRecord, WikipediaLink } from '../../model/record.js';
import { looseKey } from '../../model/statements.js';
import { formatTime, isTimeValue, parseIsoTime, type TimeValue } from '../../model/time.js';
import { type ItemRef, labelKey, normalizeText, urlKey } from '../../model/values.js';
import { sameWikipediaPage } from '../../model/wikipedia.js';
import { type Change, type FactItem, show } from './rules.js';

/** The record's current value for a change's target; undefined when it does not state it. */
export function currentValue(record: LocalRecord, change: Change): unknown {
  switch (change.target) {
    case 'qid':
      return record.qid;
    case 'label':
      return record.label;
    case 'description':
      return record.description;
    case 'wikipedia':
      return record.wikipedia;
    case 'fact':
      return record.facts[change.field.name];
  }
}

const pageTitle = (title: string) => title.replace(/_/g, ' ').trim();

function asList(value: FactValue | undefined): SingleFact[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as SingleFact];
}

/** Whether `current` (as read) states `wanted` exactly: the same time at the same precision, the same item. */
function sameSingle(type: string, current: SingleFact, wanted: FactItem): boolean {
  if (type === 'time') return isTimeValue(current) && formatTime(current) === formatTime(wanted as TimeValue);
  if (type === 'item') {
    const [a, b] = [current as ItemRef, wanted as ItemValue];
    if (a.id && b.id) return a.id === b.id;
    return a.label !== undefined && b.label !== undefined && labelKey(a.label) === labelKey(b.label);
  }
  if (type === 'url') return current === wanted;
  return normalizeText(String(current)) === normalizeText(String(wanted));
}

/** Whether two lists hold the same values, in any order, each matched once. */
function sameSet<A, B>(as: readonly A[], bs: readonly B[], same: (a: A, b: B) => boolean): boolean {
  if (as.length !== bs.length) return false;
  const used = new Set<number>();
  return bs.every((b) => {
    const index = as.findIndex((a, i) => !used.has(i) && same(a, b));
    if (index >= 0) used.add(index);
    return index >= 0;
  });
}

/** Whether the record already states exactly the value the change writes. */
export function statesValue(record: LocalRecord, change: Change): boolean {
  switch (change.target) {
    case 'qid':
      return record.qid === change.value;
    case 'label':
    case 'description': {
      const current = record[change.target];
      return current !== undefined && normalizeText(current) === normalizeText(change.value);
    }
    case 'wikipedia':
      return (
        record.wikipedia !== undefined &&
        record.wikipedia.lang === change.value.lang &&
        pageTitle(record.wikipedia.title) === pageTitle(change.value.title)
      );
    case 'fact': {
      const current = record.facts[change.field.name];
      if (current === undefined) return false;
      const same = (a: SingleFact, b: FactItem) => sameSingle(change.field.type, a, b);
      const wanted = change.value;
      return Array.isArray(wanted)
        ? sameSet(asList(current), wanted as FactItem[], same)
        : !Array.isArray(current) && same(current as SingleFact, wanted as FactItem);
    }
  }
}

/** A record's values for a target key (`qid`, `label`, …, or a fact's name), as a list. */
export function valuesOf(record: LocalRecord, key: string): unknown[] {
  const value =
    key === 'qid' || key === 'label' || key === 'description' || key === 'wikipedia'
      ? record[key]
      : record.facts[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether an item read at `where` is exactly the item written: JSON-LD types are CamelCase, so loosely there. */
function sameItemWritten(read: ItemRef, wanted: ItemRef, where: string): boolean {
  if (read.id && wanted.id) return read.id === wanted.id;
  if (read.label === undefined || wanted.label === undefined) return false;
  return where.startsWith('JSON-LD ')
    ? looseKey(read.label) === looseKey(wanted.label)
    : read.label === wanted.label;
}

function sameFactWritten(type: string, read: unknown, wanted: FactItem, where: string): boolean {
  if (type === 'time') return isTimeValue(read) && formatTime(read) === formatTime(wanted as TimeValue);
  if (type === 'item') return sameItemWritten(read as ItemRef, wanted as ItemRef, where);
  return read === wanted;
}

/**
 * Whether `values` — what a record, or one place of a card (`where`, as the card reader names it),
 * states about the change's target — are exactly the value the change writes: the same string, time
 * at the same precision, QID or label; for a list, the same items, each once.
 */
export function statesExactly(values: readonly unknown[], change: Change, where = ''): boolean {
  if (values.length === 0) return false;
  switch (change.target) {
    case 'qid':
    case 'label':
    case 'description':
      return values.every((v) => v === change.value);
    case 'wikipedia':
      return values.every(
        (v) =>
          (v as WikipediaLink).lang === change.value.lang &&
          (v as WikipediaLink).title === change.value.title,
      );
    case 'fact': {
      const same = (read: unknown, wanted: FactItem) =>
        sameFactWritten(change.field.type, read, wanted, where);
      if (!Array.isArray(change.value))
        return values.length === 1 && same(values[0], change.value as FactItem);
      const wanted = change.value as FactItem[];
      const used = new Set<number>();
      return (
        values.length === wanted.length &&
        wanted.every((w) => {
          const index = values.findIndex((v, i) => !used.has(i) && same(v, w));
          if (index >= 0) used.add(index);
          return index >= 0;
        })
      );
    }
  }
}

/** Whether a value read now and the proposal's `local` side say the same thing (as loosely as the diff). */
function sameAsLocal(type: string, current: SingleFact, local: ProposalValue): boolean {
  if (type === 'time') {
    const parsed = typeof local === 'string' ? parseIsoTime(local) : undefined;
    return parsed?.ok === true && isTimeValue(current) && formatTime(current) === formatTime(parsed.value);
  }
  if (type === 'item') {
    const [a, b] = [current as ItemRef, local as ItemValue];
    if (typeof b !== 'object' || b === null) return false;
    if (a.id && b.id && a.id === b.id) return true;
    return a.label !== undefined && b.label !== undefined && labelKey(a.label) === labelKey(b.label);
  }
  if (typeof local !== 'string') return false;
  if (type === 'url') return urlKey(String(current)) === urlKey(local);
  return normalizeText(String(current)) === normalizeText(local);
}

function matchesLocal(record: LocalRecord, change: Change, local: ProposalValue): boolean {
  switch (change.target) {
    case 'qid':
      return typeof local === 'object' && (local as ItemValue).id === record.qid;
    case 'label':
    case 'description': {
      const current = record[change.target];
      return current !== undefined && typeof local === 'string' && labelKey(current) === labelKey(local);
    }
    case 'wikipedia': {
      const page = local as PageValue;
      return (
        record.wikipedia !== undefined &&
        typeof page === 'object' &&
        typeof page.title === 'string' &&
        sameWikipediaPage(record.wikipedia, { lang: page.lang, title: page.title })
      );
    }
    case 'fact': {
      const current = asList(record.facts[change.field.name]);
      const same = (a: SingleFact, b: ProposalValue) => sameAsLocal(change.field.type, a, b);
      const locals = Array.isArray(local) ? (local as ProposalValue[]) : [local];
      return sameSet(current, locals, same);
    }
  }
}

/**
 * Why the change should not be written over what the record says now: the record no longer says
 * what the proposal was made against (an editor changed it since). Undefined when it may be written.
 */
export function staleReason(
  record: LocalRecord,
  change: Change,
  proposal: Proposal,
  store: string,
): string | undefined {
  const current = currentValue(record, change);
  const local = proposal.local;
  const absent = current === undefined || (Array.isArray(current) && current.length === 0);
  const fits =
    local === null || local === undefined ? absent : !absent && matchesLocal(record, change, local);
  if (fits) return undefined;
  const shown = (value: unknown) => (Array.isArray(value) ? show(value.map(plain)) : show(plain(value)));
  return (
    `the ${store} changed since this proposal was made: it says ${shown(current)}, the proposal was made ` +
    `against ${shown(local)}; run sync again to refresh the proposal`
  );
}

function plain(value: unknown): unknown {
  return isTimeValue(value) ? formatTime(value) : value;
}
