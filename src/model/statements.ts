// Resolving what one record states, possibly several times (a card's header, its Key Facts, its
// JSON-LD), into one value per field, and a local conflict wherever the statements contradict each
// other. Pure: statements in, values and conflicts out.

import type { FactValue, FieldSpec, SingleFact } from './fields.js';
import { formatFactValue } from './fields.js';
import type { LocalConflict, Origin, WikipediaLink } from './record.js';
import { sameAtCoarserPrecision, type TimeValue } from './time.js';
import { type ItemRef, labelKey, normalizeText, urlKey } from './values.js';
import { sameWikipediaPage } from './wikipedia.js';

/** One statement of a fact: the field (or `qid`, `label`, `description`, `wikipedia`), its value, where. */
export interface Statement<V = unknown> extends Origin {
  readonly field: string;
  readonly value: V;
  /** Statements from the same group add up for many-valued fields; different groups must agree. */
  readonly group: 'header' | 'phrase' | 'jsonld';
}

/** A looser label key for names written as words or as JSON-LD CamelCase: "text-to-video model" ≡ "TextToVideoModel". */
export function looseKey(label: string): string {
  return labelKey(label).replace(/[\s_-]+/g, '');
}

function sameItem(a: ItemRef, b: ItemRef): boolean {
  if (a.id && b.id) return a.id === b.id;
  return a.label !== undefined && b.label !== undefined && looseKey(a.label) === looseKey(b.label);
}

/** Whether two values of `type` say the same thing. */
function sameValue(type: string, a: unknown, b: unknown): boolean {
  switch (type) {
    case 'time':
      return sameAtCoarserPrecision(a as TimeValue, b as TimeValue);
    case 'item':
      return sameItem(a as ItemRef, b as ItemRef);
    case 'url':
      return urlKey(a as string) === urlKey(b as string);
    case 'page':
      return sameWikipediaPage(a as WikipediaLink, b as WikipediaLink);
    case 'label':
      return labelKey(a as string) === labelKey(b as string);
    case 'description': {
      // A card's short description and its JSON-LD's longer one agree when one begins with the other.
      const [x, y] = [labelKey(a as string), labelKey(b as string)];
      return x.startsWith(y) || y.startsWith(x);
    }
    default:
      return normalizeText(String(a)) === normalizeText(String(b));
  }
}

/** Of two agreeing values, the one to keep: the more precise time, else the first stated. */
function preferred(type: string, kept: unknown, other: unknown): unknown {
  if (type !== 'time') return kept;
  const rank = { year: 0, month: 1, day: 2 } as const;
  return rank[(other as TimeValue).precision] > rank[(kept as TimeValue).precision] ? other : kept;
}

export interface Resolved<V> {
  value: V;
  conflict?: LocalConflict;
}

type Format = (value: unknown) => unknown;

function conflictOf(field: string, statements: readonly Statement[], format: Format): LocalConflict {
  const values = statements.map((s) => ({
    value: format(s.value),
    where: s.where,
    ...(s.line === undefined ? {} : { line: s.line }),
  }));
  return { field, values };
}

/** One value from statements of a single-valued field; the first statement wins a contradiction. */
export function resolveSingle<V>(
  field: string,
  type: string,
  statements: readonly Statement<V>[],
  format: Format = (v) => v,
): Resolved<V> | undefined {
  const first = statements[0];
  if (!first) return undefined;
  let value: unknown = first.value;
  let contradicted = false;
  for (const statement of statements.slice(1)) {
    if (sameValue(type, value, statement.value)) value = preferred(type, value, statement.value);
    else contradicted = true;
  }
  if (!contradicted) return { value: value as V };
  // Keep only distinct values in the conflict, each with the first place it was stated.
  const distinct: Statement[] = [];
  for (const statement of statements) {
    if (!distinct.some((d) => sameValue(type, d.value, statement.value))) distinct.push(statement);
  }
  return { value: first.value, conflict: conflictOf(field, distinct, format) };
}

/**
 * Values of a many-valued field: statements of one group add up ("Developed by A" and "Developed by B");
 * two groups (Key Facts and JSON-LD) that list different sets contradict each other.
 */
export function resolveMany(
  field: FieldSpec,
  statements: readonly Statement<SingleFact>[],
): Resolved<SingleFact[]> | undefined {
  if (statements.length === 0) return undefined;
  const groups = new Map<string, SingleFact[]>();
  for (const statement of statements) {
    const list = groups.get(statement.group) ?? [];
    const index = list.findIndex((v) => sameValue(field.type, v, statement.value));
    if (index < 0) list.push(statement.value);
    else list[index] = preferred(field.type, list[index], statement.value) as SingleFact;
    groups.set(statement.group, list);
  }
  const [first, ...others] = [...groups.values()] as SingleFact[][];
  const value = first ?? [];
  const covers = (a: SingleFact[], b: SingleFact[]) =>
    a.every((x) => b.some((y) => sameValue(field.type, x, y)));
  const agree = others.every((other) => covers(value, other) && covers(other, value));
  if (agree) return { value };
  const listed = [...groups.entries()].map(([group, list]) => {
    const from = statements.find((s) => s.group === group) as Statement;
    return { ...from, value: list };
  });
  return { value, conflict: conflictOf(field.name, listed, (v) => formatFactValue(field, v as FactValue)) };
}
