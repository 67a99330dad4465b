// Generated entities for the benchmark: any count, each one a pure function of (seed, index), built
// on request and never all at once. Sizes are those of real software items on Wikidata: labels in
// 3–8 languages, aliases, 20–200 statements over ~30 properties, a few preferred and deprecated
// ranks, time values at precision 9/10/11, qualifiers, references and sitelinks.
//
// Id ranges: generated items are Q1000000 + index (index < count ≤ 50,000,000); their Wikipedia
// pages have pageid 70,000,000 + index on every wiki. See vocabulary.ts for the items they point at.

import { generatedDescription, generatedTitle, type ItemPlan, itemPlan } from './plan.js';
import { chance, hash32, intBetween, rngFor } from './random.js';
import { itemValue, snak, statement, stringValue, timeValue } from './snaks.js';
import { type Add, coreStatements, fillerStatements } from './statements.js';
import type { Entity, PageInfo, Snak, Statement, Term, WikiPage } from './types.js';
import { mwTimestamp } from './types.js';

export {
  GENERATED_BASE,
  generatedDescription,
  generatedId,
  generatedIndex,
  generatedLabel,
  generatedTitle,
  type ItemPlan,
  indexFromTitle,
  itemPlan,
  MAX_GENERATED,
} from './plan.js';

const PAGE_BASE = 200_000_000;
const WIKI_PAGE_BASE = 70_000_000;

/** The page facts of a generated item: revision, timestamps and size, without building the entity. */
export function generatedPageInfo(seed: number, index: number, plan = itemPlan(seed, index)): PageInfo {
  const lastrevid = 1_500_000_000 + (hash32(seed, index, 'revision') % 800_000_000);
  const modifiedMs = modifiedOf(lastrevid);
  return {
    pageid: PAGE_BASE + index,
    lastrevid,
    touched: mwTimestamp(modifiedMs + (hash32(seed, index, 'touched') % 86_400) * 1000),
    length: 1200 + plan.statementCount * 430 + plan.languages.length * 150 + plan.sites.length * 60,
  };
}

/** Revisions and time move together: 1.5e9 is 2021-01-01, and each revision is 150 ms later. */
function modifiedOf(lastrevid: number): number {
  return Date.UTC(2021, 0, 1) + (lastrevid - 1_500_000_000) * 150;
}

function terms(plan: ItemPlan, values: (lang: string) => string | undefined): Record<string, Term> {
  const out: Record<string, Term> = {};
  for (const language of plan.languages) {
    const value = values(language);
    if (value !== undefined) out[language] = { language, value };
  }
  return out;
}

export interface GenerateOptions {
  /** How many entities the fake generates (the last item has no "followed by"). */
  readonly count?: number;
  /**
   * False for the item without its statements: what a `props=labels|aliases` request needs, at a
   * fraction of the cost (statements are most of a big item). The rest is the same either way.
   */
  readonly claims?: boolean;
}

/** A generated item, complete (every prop), as wbgetentities returns it. */
export function generatedEntity(seed: number, index: number, options: GenerateOptions = {}): Entity {
  return generatedItem(seed, index, options).entity;
}

/** A generated item and its page facts, planned once. */
export function generatedItem(
  seed: number,
  index: number,
  options: GenerateOptions = {},
): { entity: Entity; page: PageInfo } {
  const plan = itemPlan(seed, index, options.count);
  const claims = options.claims === false ? undefined : generatedClaims(seed, index, plan);
  const info = generatedPageInfo(seed, index, plan);
  const aliasRandom = rngFor(seed, index, 'aliases');
  const aliases: Record<string, Term[]> = {};
  const head = plan.label.split(' ')[0] ?? plan.label;
  const enAliases = [head, `${plan.label} Pro`, `${head.toUpperCase()} ${index}`].slice(
    0,
    intBetween(aliasRandom, 0, 3),
  );
  if (enAliases.length) aliases.en = enAliases.map((value) => ({ language: 'en', value }));
  for (const lang of plan.languages.slice(1)) {
    if (chance(aliasRandom, 0.3)) aliases[lang] = [{ language: lang, value: head }];
  }
  const sitelinks: Record<string, { site: string; title: string; badges: string[] }> = {};
  for (const site of plan.sites) {
    const lang = site.slice(0, -4);
    const badges = chance(aliasRandom, 0.03) ? ['Q17437796'] : [];
    sitelinks[site] = { site, title: generatedTitle(seed, index, lang), badges };
  }
  const entity: Entity = {
    pageid: info.pageid,
    ns: 0,
    title: plan.id,
    lastrevid: info.lastrevid,
    modified: mwTimestamp(modifiedOf(info.lastrevid)),
    type: 'item',
    id: plan.id,
    labels: terms(plan, () => plan.label),
    descriptions: terms(plan, (lang) => generatedDescription(plan, lang)),
    aliases,
    ...(claims ? { claims } : {}),
    sitelinks,
  };
  return { entity, page: info };
}

/** The statements of a generated item, by property: its compared facts, then filler up to its size. */
function generatedClaims(seed: number, index: number, plan: ItemPlan): Record<string, Statement[]> {
  const random = rngFor(seed, index, 'statements');
  const claims: Record<string, Statement[]> = {};
  let total = 0;
  const add: Add = (property, datatype, value, parts) => {
    const list = claims[property] ?? [];
    claims[property] = list;
    list.push(statement(plan.id, snak(property, datatype, value, random), random, parts));
    total++;
  };
  const ref = (): Snak[][] => {
    const r = random();
    if (r < 0.55) return [];
    if (r < 0.8) return [[snak('P143', 'wikibase-item', itemValue('Q328'), random)]];
    const url = stringValue(`https://news.example.org/${plan.label.toLowerCase().replace(/\s+/g, '-')}`);
    return [
      [
        snak('P854', 'url', url, random),
        snak('P813', 'time', timeValue(2024, 3, 1 + (total % 28), 11), random),
      ],
    ];
  };
  coreStatements(plan, random, add, ref);
  fillerStatements(plan, random, add, ref, () => total >= plan.statementCount);
  return claims;
}

/** The article of a generated item on the `lang` Wikipedia, if the item has a sitelink there. */
export function generatedWikiPage(seed: number, index: number, lang: string): WikiPage | undefined {
  const plan = itemPlan(seed, index);
  if (!plan.sites.includes(`${lang}wiki`)) return undefined;
  const lastrevid = 1_100_000_000 + (hash32(seed, index, lang, 'page-revision') % 150_000_000);
  return {
    pageid: WIKI_PAGE_BASE + index,
    title: generatedTitle(seed, index, lang),
    lastrevid,
    touched: mwTimestamp(Date.UTC(2022, 0, 1) + (lastrevid - 1_100_000_000) * 600),
    length: 2000 + (hash32(seed, index, lang, 'page-length') % 120_000),
    wikibaseItem: plan.id,
  };
}
