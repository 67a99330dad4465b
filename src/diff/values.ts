// Values as proposals show them (SPEC §4), and matching local items against remote ones. Pure.

import type { FactValue, FieldSpec, SingleFact } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { ItemValue, ProposalValue } from '../model/proposal.js';
import type { ItemLabels, RemoteValue } from '../model/remote.js';
import { formatTime, type TimeValue } from '../model/time.js';
import { type ItemRef, labelKey } from '../model/values.js';

/**
 * The languages whose terms count for `languages`: those, then `mul` (the name that is the same in every
 * language, where Wikidata keeps most names of people, companies and products since 2024).
 */
export function termLanguages(languages: readonly string[]): string[] {
  return languages.includes('mul') ? [...languages] : [...languages, 'mul'];
}

/** The label of an item in the first configured language that has one, else its `mul` label. */
export function labelOf(
  id: ItemId,
  labels: ReadonlyMap<ItemId, ItemLabels>,
  languages: readonly string[],
): string | undefined {
  const terms = labels.get(id)?.labels ?? {};
  for (const lang of termLanguages(languages)) if (terms[lang]) return terms[lang];
  return undefined;
}

export function itemValue(
  id: ItemId,
  labels: ReadonlyMap<ItemId, ItemLabels>,
  languages: readonly string[],
): ItemValue {
  const label = labelOf(id, labels, languages);
  return label === undefined ? { id } : { id, label };
}

/**
 * Whether a local item names the remote one (SPEC §3): the same QID, or — when the record gives only a
 * label — that label is the item's label or an alias in a configured language or in `mul` (whose aliases
 * count for every language), case-, whitespace- and accent-insensitively. Undefined when that cannot be
 * told (the item's labels were not fetched).
 */
export function sameItem(
  local: ItemRef,
  id: ItemId,
  labels: ReadonlyMap<ItemId, ItemLabels>,
  languages: readonly string[],
): boolean | undefined {
  if (local.id) return local.id === id;
  const terms = labels.get(id);
  if (!terms || terms.missing) return undefined;
  const key = labelKey(local.label ?? '');
  return termLanguages(languages).some(
    (lang) =>
      (terms.labels[lang] !== undefined && labelKey(terms.labels[lang]) === key) ||
      (terms.aliases[lang] ?? []).some((alias) => labelKey(alias) === key),
  );
}

/** A remote value as a proposal shows it. */
export function remoteProposalValue(
  value: RemoteValue,
  labels: ReadonlyMap<ItemId, ItemLabels>,
  languages: readonly string[],
): ProposalValue {
  switch (value.type) {
    case 'item':
      return itemValue(value.id, labels, languages);
    case 'time':
      return value.value ? formatTime(value.value) : value.time;
    case 'string':
      return value.value;
    case 'monolingualtext':
      return value.text;
    case 'quantity':
      return value.amount;
    default:
      return JSON.stringify(value.value);
  }
}

/** A local value as a proposal shows it; an item matched to a remote one gains that item's QID. */
export function localProposalValue(field: FieldSpec, value: SingleFact, matched?: ItemId): ProposalValue {
  if (field.type === 'time') return formatTime(value as TimeValue);
  if (field.type === 'item') {
    const ref = value as ItemRef;
    const id = ref.id ?? matched;
    return { ...(id ? { id } : {}), ...(ref.label ? { label: ref.label } : {}) };
  }
  return value as string;
}

export function asList(value: FactValue | undefined): SingleFact[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as SingleFact];
}

function sortKey(value: ProposalValue): string {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const item = value as ItemValue;
    return `${(item.label ?? '').toLowerCase()}\u0000${item.id ?? ''}`;
  }
  return JSON.stringify(value);
}

/** Many-valued fields are shown as sorted arrays. */
export function sorted(values: readonly ProposalValue[]): ProposalValue[] {
  return [...values].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}
