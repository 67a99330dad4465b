// Edit summaries as Wikibase writes them for the edits the mutation API makes: an autocomment naming
// the API module and its arguments, then the changed snak in plain text (SummaryFormatter with the
// plain-text snak formatter). Real examples, from Wikidata revision histories:
//   /* wbsetclaim-update:2||1 */ [[Property:P569]]: 21 January 1956
//   /* wbsetclaim-update:2||1 */ [[Property:P213]]: [[Q850]]
//   /* wbsetclaim-create:2||1 */ [[Property:P5247]]: 3005-34149   (wikimedia-captures/wikiprov_*.json)

import type { Snak } from './types.js';

/** `1` → `January`: English month names, as Wikidata's plain-text formatter writes them. */
const monthName = (month: number): string =>
  new Date(Date.UTC(2000, month - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' });

/** `+1956-01-21T00:00:00Z` at precision 11 → `21 January 1956`; 10 → `January 1956`; 9 → `1956`. */
function plainTime(value: { time: string; precision: number }): string {
  const match = /^[+-]0*(\d+)-(\d\d)-(\d\d)T/.exec(value.time);
  if (!match) return value.time;
  const [, year, month, day] = match;
  const name = monthName(Number(month));
  if (value.precision >= 11) return `${Number(day)} ${name} ${year}`;
  if (value.precision === 10) return `${name} ${year}`;
  return String(year);
}

/** A snak's value as the summary shows it: `[[Q850]]` for an item, the text of a URL or string. */
export function plainSnak(snak: Snak): string {
  if (snak.snaktype === 'novalue') return 'no value';
  if (snak.snaktype === 'somevalue') return 'unknown value';
  const { type, value } = snak.datavalue ?? { type: 'string', value: '' };
  const v = value as Record<string, unknown>;
  switch (type) {
    case 'wikibase-entityid':
      return `[[${String(v.id)}]]`;
    case 'time':
      return plainTime(v as { time: string; precision: number });
    case 'quantity':
      return String(v.amount).replace(/^\+/, '');
    case 'monolingualtext':
      return String(v.text);
    default:
      return String(value);
  }
}

/**
 * The summary of replacing a property's statements with `snak` (always `wbsetclaim-update`; Wikidata
 * writes `wbsetclaim-create` when the statement is new), or of removing `removed` (snak null).
 */
export function setClaimSummary(property: string, snak: Snak | null, removed: readonly Snak[] = []): string {
  if (snak !== null) return `/* wbsetclaim-update:2||1 */ [[Property:${property}]]: ${plainSnak(snak)}`;
  const values = removed.map(plainSnak).join(', ');
  return `/* wbremoveclaims-remove:${removed.length}| */ [[Property:${property}]]${values ? `: ${values}` : ''}`;
}
