// The plan of a generated item: the decisions that fix its name, titles and compared facts, cheap to
// compute and shared by the entity (generator.ts) and its local record (records.ts). Pure functions of
// (seed, index).
//
// Id ranges: generated items are Q1000000 + index (index < count ≤ 50,000,000).

import { chance, hash32, intBetween, pick, type Random, rngFor, sample, unitHash } from './random.js';
import {
  CLASS_COUNT,
  classId,
  DEVELOPER_COUNT,
  developerId,
  PERSON_COUNT,
  personId,
  vocabularyLabel,
} from './vocabulary.js';

export const GENERATED_BASE = 1_000_000;
export const MAX_GENERATED = 50_000_000;

const NAME_HEADS = [
  'Vel',
  'Quan',
  'Nor',
  'Astra',
  'Lumi',
  'Cora',
  'Dyna',
  'Ever',
  'Fla',
  'Gly',
  'Heli',
  'Iri',
  'Jova',
  'Kine',
  'Lyr',
  'Mira',
  'Nexa',
  'Ory',
  'Pyra',
  'Quil',
  'Rhea',
  'Sola',
  'Tera',
  'Umbra',
  'Vox',
  'Wyn',
  'Xeno',
  'Yara',
  'Zephy',
  'Orbi',
] as const;
const NAME_TAILS = [
  'ra',
  'lix',
  'on',
  'tis',
  'max',
  'ode',
  'ium',
  'ara',
  'eon',
  'ix',
  'os',
  'ent',
  'ova',
  'is',
  'ly',
] as const;
const OTHER_LANGS = [
  'de',
  'fr',
  'es',
  'it',
  'ja',
  'ru',
  'pt',
  'nl',
  'pl',
  'zh',
  'ko',
  'sv',
  'uk',
  'ar',
] as const;
const TITLE_SUFFIX: Readonly<Record<string, string>> = {
  en: 'software',
  de: 'Software',
  fr: 'logiciel',
  es: 'software',
  it: 'software',
  pt: 'software',
  nl: 'software',
};
const DESCRIPTION: Readonly<Record<string, (kind: string, developer: string) => string>> = {
  en: (kind, dev) => `${kind} developed by ${dev}`,
  de: (_, dev) => `Software von ${dev}`,
  fr: (_, dev) => `logiciel développé par ${dev}`,
  es: (_, dev) => `software desarrollado por ${dev}`,
  it: (_, dev) => `software sviluppato da ${dev}`,
  pt: (_, dev) => `software desenvolvido por ${dev}`,
  nl: (_, dev) => `software ontwikkeld door ${dev}`,
  ja: (_, dev) => `${dev}が開発したソフトウェア`,
  ru: (_, dev) => `программное обеспечение, разработанное ${dev}`,
};

export function generatedId(index: number): string {
  return `Q${GENERATED_BASE + index}`;
}

/** The index of a generated item id, when it is one of the first `count`. */
export function generatedIndex(qid: string, count: number): number | undefined {
  if (!/^Q[1-9]\d*$/.test(qid)) return undefined;
  const index = Number(qid.slice(1)) - GENERATED_BASE;
  return index >= 0 && index < count ? index : undefined;
}

/** A generated item's name: a made-up product name and its index, unique by construction. */
export function generatedLabel(seed: number, index: number): string {
  const h = hash32(seed, index, 'name');
  const head = NAME_HEADS[h % NAME_HEADS.length];
  const tail = NAME_TAILS[Math.floor(h / NAME_HEADS.length) % NAME_TAILS.length];
  return `${head}${tail} ${index}`;
}

/** The title of a generated item's article on the `lang` Wikipedia (some carry a disambiguator). */
export function generatedTitle(seed: number, index: number, lang: string): string {
  const suffix = TITLE_SUFFIX[lang];
  const label = generatedLabel(seed, index);
  return suffix && unitHash(seed, index, 'title') < 0.25 ? `${label} (${suffix})` : label;
}

/** The index a generated article title names, if it is one (checked against the generator). */
export function indexFromTitle(seed: number, lang: string, title: string, count: number): number | undefined {
  const match = /^\S+ (\d+)(?: \([^()]+\))?$/.exec(title);
  if (!match) return undefined;
  const index = Number(match[1]);
  if (!Number.isSafeInteger(index) || index >= count) return undefined;
  return generatedTitle(seed, index, lang) === title ? index : undefined;
}

export interface DatePlan {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly precision: 9 | 10 | 11;
}

function datePlan(
  random: Random,
  baseDay: number,
  spread: number,
  precisions: readonly (9 | 10 | 11)[],
): DatePlan {
  const date = new Date((baseDay + intBetween(random, -spread, spread)) * 86_400_000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    precision: pick(random, precisions),
  };
}

/** The decisions that fix an item's compared facts; cheap, and shared by the entity and the record. */
export interface ItemPlan {
  readonly id: string;
  readonly label: string;
  readonly languages: readonly string[];
  readonly sites: readonly string[];
  readonly classes: readonly string[];
  readonly developers: readonly string[];
  readonly preferredDeveloper: boolean;
  readonly owner?: string;
  readonly namedAfter?: string;
  readonly inception?: DatePlan;
  readonly announced?: DatePlan;
  readonly published?: DatePlan;
  readonly follows?: string;
  readonly followedBy?: string;
  readonly website?: string;
  readonly statementCount: number;
}

export function itemPlan(seed: number, index: number, count?: number): ItemPlan {
  const random = rngFor(seed, index, 'plan');
  const label = generatedLabel(seed, index);
  const languages = ['en', ...sample(random, OTHER_LANGS, intBetween(random, 2, 7))];
  const sites = [
    ...(chance(random, 0.92) ? ['en'] : []),
    ...sample(random, languages.slice(1), intBetween(random, 0, 5)),
  ].map((lang) => `${lang}wiki`);
  const classes = sample(random, CLASS_INDICES, chance(random, 0.2) ? 2 : 1).map(classId);
  const developers = sample(random, DEVELOPER_INDICES, chance(random, 0.25) ? 2 : 1).map(developerId);
  const baseDay = intBetween(random, 10_957, 20_300); // 2000-01-01 … 2025-07
  const announced = chance(random, 0.8)
    ? datePlan(random, baseDay, 0, [11, 11, 11, 11, 11, 11, 11, 10, 10, 9])
    : undefined;
  const published = chance(random, 0.7) ? datePlan(random, baseDay + 60, 60, [11, 11, 11, 10]) : undefined;
  const inception = chance(random, 0.6) ? datePlan(random, baseDay - 450, 450, [9, 10, 11]) : undefined;
  const position = index % 4; // items come in series of four: …, follows, followed by, …
  const slug = label.toLowerCase().replace(/\s+/g, '-');
  return {
    id: generatedId(index),
    label,
    languages,
    sites,
    classes,
    developers,
    preferredDeveloper: developers.length > 1 && chance(random, 0.5),
    ...(chance(random, 0.4) ? { owner: developerId(intBetween(random, 0, DEVELOPER_COUNT - 1)) } : {}),
    ...(chance(random, 0.2) ? { namedAfter: personId(intBetween(random, 0, PERSON_COUNT - 1)) } : {}),
    ...(inception ? { inception } : {}),
    ...(announced ? { announced } : {}),
    ...(published ? { published } : {}),
    ...(position > 0 ? { follows: generatedId(index - 1) } : {}),
    ...(position < 3 && (count === undefined || index + 1 < count)
      ? { followedBy: generatedId(index + 1) }
      : {}),
    ...(chance(random, 0.85) ? { website: `https://${slug}.example.org/` } : {}),
    statementCount: 20 + Math.floor(180 * random() ** 2),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

const CLASS_INDICES = range(CLASS_COUNT);
const DEVELOPER_INDICES = range(DEVELOPER_COUNT);

/** The English description of a generated item (its local record states the same). */
export function generatedDescription(plan: ItemPlan, lang = 'en'): string | undefined {
  const kind = vocabularyLabel(plan.classes[0] ?? '') ?? 'software';
  const developer = vocabularyLabel(plan.developers[0] ?? '') ?? 'an unknown developer';
  return DESCRIPTION[lang]?.(kind, developer);
}
