// The local side of the generated entities: `generatedRecord` returns the record the benchmark writes
// into its local store (factsync's JSONL form, SPEC §2) for the generated item of the same index.
// Most records agree with the remote item; a seed-driven share (20% by default) differs on purpose,
// in one of three ways, so a diff over generated data has findings to report.

import {
  generatedDescription,
  generatedEntity,
  generatedIndex,
  generatedLabel,
  generatedTitle,
  itemPlan,
} from './generator.js';
import { unitHash } from './random.js';
import type { Entity, Statement } from './types.js';
import { DEVELOPER_COUNT, developerId, vocabularyLabel } from './vocabulary.js';

export type RecordDifference = 'older-date' | 'missing-website' | 'different-developer';
export const DEFAULT_DIFFERENCE_SHARE = 0.2;

/** A record in the JSONL form of SPEC §2. */
export interface GeneratedRecord {
  readonly key: string;
  readonly qid: string;
  readonly label: string;
  readonly description?: string;
  readonly wikipedia?: { readonly lang: string; readonly title: string };
  readonly facts: Readonly<Record<string, string | readonly string[]>>;
}

export interface RecordOptions {
  /** How many entities the fake generates (the last item has no "followed by"). */
  readonly count?: number;
  /** The share of records that differ from the remote item; 0.2 by default. */
  readonly differenceShare?: number;
}

/** The fields of SPEC §3 the record states: name, property, and whether it holds several values. */
const FIELDS: ReadonlyArray<readonly [name: string, property: string, many: boolean]> = [
  ['instanceOf', 'P31', true],
  ['developer', 'P178', true],
  ['owner', 'P127', true],
  ['inception', 'P571', false],
  ['announced', 'P6949', false],
  ['published', 'P577', false],
  ['follows', 'P155', false],
  ['followedBy', 'P156', false],
  ['website', 'P856', false],
  ['namedAfter', 'P138', true],
];

/** Preferred statements if any, else normal ones; deprecated never; only value snaks. */
export function bestStatements(statements: readonly Statement[] | undefined): Statement[] {
  const usable = (statements ?? []).filter((s) => s.rank !== 'deprecated');
  const preferred = usable.filter((s) => s.rank === 'preferred');
  return (preferred.length ? preferred : usable).filter((s) => s.mainsnak.snaktype === 'value');
}

function timeText(value: { time: string; precision: number }): string {
  const [, date] = /^[+-](\d{4,}-\d{2}-\d{2})/.exec(value.time) ?? [];
  if (!date) return value.time;
  if (value.precision >= 11) return date;
  if (value.precision === 10) return date.slice(0, 7);
  return date.slice(0, 4);
}

function valueText(seed: number, statement: Statement): string | undefined {
  const value = statement.mainsnak.datavalue?.value;
  switch (statement.mainsnak.datavalue?.type) {
    case 'wikibase-entityid': {
      const id = (value as { id: string }).id;
      const index = generatedIndex(id, Number.MAX_SAFE_INTEGER);
      return vocabularyLabel(id) ?? (index === undefined ? id : generatedLabel(seed, index));
    }
    case 'time':
      return timeText(value as { time: string; precision: number });
    case 'string':
      return value as string;
    default:
      return undefined;
  }
}

/** How the record of this index differs from its item, if it is one of those that do. */
export function generatedDifference(
  seed: number,
  index: number,
  options: RecordOptions = {},
): RecordDifference | undefined {
  const share = options.differenceShare ?? DEFAULT_DIFFERENCE_SHARE;
  const u = unitHash(seed, index, 'difference');
  if (u >= share) return undefined;
  const plan = itemPlan(seed, index, options.count);
  const wanted = (['older-date', 'missing-website', 'different-developer'] as const)[
    Math.floor((u / share) * 3)
  ];
  if (wanted === 'older-date' && (plan.announced || plan.published || plan.inception)) return wanted;
  if (wanted !== 'different-developer' && plan.website) return 'missing-website';
  return 'different-developer';
}

function applyDifference(
  index: number,
  facts: Record<string, string | readonly string[]>,
  difference: RecordDifference,
): void {
  if (difference === 'missing-website') {
    delete facts.website;
  } else if (difference === 'older-date') {
    const field = ['announced', 'published', 'inception'].find((name) => typeof facts[name] === 'string');
    const date = field ? (facts[field] as string) : undefined;
    if (field && date) {
      // A year earlier; 29 February becomes the 28th, which every year has.
      const rest = date.slice(4) === '-02-29' ? '-02-28' : date.slice(4);
      facts[field] = `${String(Number(date.slice(0, 4)) - 1).padStart(4, '0')}${rest}`;
    }
  } else {
    const current = new Set(facts.developer as readonly string[] | undefined);
    for (let step = 7; ; step++) {
      const label = vocabularyLabel(developerId((index + step) % DEVELOPER_COUNT)) ?? '';
      if (!current.has(label)) {
        facts.developer = [label];
        break;
      }
    }
  }
}

/** The local facts an item states, read the way factsync compares them (best rank, labels for items). */
export function recordFacts(seed: number, entity: Entity): Record<string, string | readonly string[]> {
  const facts: Record<string, string | readonly string[]> = {};
  for (const [name, property, many] of FIELDS) {
    const values = bestStatements(entity.claims?.[property])
      .map((s) => valueText(seed, s))
      .filter((v): v is string => v !== undefined);
    if (values.length === 0) continue;
    if (many) facts[name] = [...new Set(values)].sort();
    else if (values[0] !== undefined) facts[name] = values[0];
  }
  return facts;
}

/** The local record for the generated item of this index (key `gen-{index}`). */
export function generatedRecord(seed: number, index: number, options: RecordOptions = {}): GeneratedRecord {
  const entity = generatedEntity(seed, index, options.count === undefined ? {} : { count: options.count });
  const plan = itemPlan(seed, index, options.count);
  const facts = recordFacts(seed, entity);
  const difference = generatedDifference(seed, index, options);
  if (difference) applyDifference(index, facts, difference);
  const description = generatedDescription(plan);
  return {
    key: `gen-${index}`,
    qid: plan.id,
    label: plan.label,
    ...(description ? { description } : {}),
    ...(plan.sites.includes('enwiki')
      ? { wikipedia: { lang: 'en', title: generatedTitle(seed, index, 'en') } }
      : {}),
    facts,
  };
}
