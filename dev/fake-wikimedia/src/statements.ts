// The statements of a generated item: first the compared properties (P31, P178, P127, P571, P6949,
// P577, P155, P156, P856, P138) with a few preferred and deprecated ranks, then filler over some 20
// other properties (versions, file formats, follower counts, identifiers) up to the planned count.

import type { DatePlan, ItemPlan } from './plan.js';
import { chance, intBetween, pick, type Random, sample } from './random.js';
import {
  type Datatype,
  itemValue,
  quantityValue,
  snak,
  type statement,
  stringValue,
  timeValue,
} from './snaks.js';
import type { Snak } from './types.js';
import { CLASS_COUNT, classId } from './vocabulary.js';

const LANGUAGES = ['Q2407', 'Q251', 'Q28865', 'Q575650', 'Q2005', 'Q37227', 'Q15777', 'Q2370', 'Q978185'];
const SYSTEMS = ['Q1406', 'Q388', 'Q14116', 'Q94', 'Q48493', 'Q3251801'];
const LICENSES = ['Q334661', 'Q7603', 'Q13785927', 'Q3943414'];
const PARADIGMS = ['Q188267', 'Q193076', 'Q1378468', 'Q4306983'];

export type Add = (
  property: string,
  datatype: Datatype,
  value: Parameters<typeof snak>[2],
  parts?: StatementParts,
) => void;
type StatementParts = Parameters<typeof statement>[3];

function dateValue(date: DatePlan) {
  return timeValue(date.year, date.month, date.day, date.precision);
}

export function coreStatements(plan: ItemPlan, random: Random, add: Add, ref: () => Snak[][]): void {
  for (const cls of plan.classes) add('P31', 'wikibase-item', itemValue(cls), { references: ref() });
  if (chance(random, 0.1)) {
    const wrong = classId(intBetween(random, 0, CLASS_COUNT - 1));
    const reason = snak('P2241', 'wikibase-item', itemValue('Q25895909'), random);
    if (!plan.classes.includes(wrong))
      add('P31', 'wikibase-item', itemValue(wrong), { rank: 'deprecated', qualifiers: [reason] });
  }
  for (const [i, dev] of plan.developers.entries()) {
    const rank = plan.preferredDeveloper && i === 0 ? 'preferred' : 'normal';
    add('P178', 'wikibase-item', itemValue(dev), { rank, references: ref() });
  }
  if (plan.owner) add('P127', 'wikibase-item', itemValue(plan.owner));
  if (plan.inception) add('P571', 'time', dateValue(plan.inception), { references: ref() });
  if (plan.announced) add('P6949', 'time', dateValue(plan.announced), { references: ref() });
  if (plan.published) {
    add('P577', 'time', dateValue(plan.published), { rank: 'preferred', references: ref() });
    if (chance(random, 0.3)) {
      const region = snak('P291', 'wikibase-item', itemValue('Q30'), random);
      const early = { ...plan.published, year: plan.published.year - 1, precision: 9 as const };
      add('P577', 'time', dateValue(early), { qualifiers: [region] });
    }
  }
  if (plan.follows) add('P155', 'wikibase-item', itemValue(plan.follows));
  if (plan.followedBy) add('P156', 'wikibase-item', itemValue(plan.followedBy));
  if (plan.website) {
    const language = snak('P407', 'wikibase-item', itemValue('Q1860'), random);
    add('P856', 'url', stringValue(plan.website), { qualifiers: [language] });
    if (chance(random, 0.05))
      add('P856', 'url', stringValue(plan.website.replace('https:', 'http:')), { rank: 'deprecated' });
  }
  if (plan.namedAfter) add('P138', 'wikibase-item', itemValue(plan.namedAfter));
}

export function fillerStatements(
  plan: ItemPlan,
  random: Random,
  add: Add,
  ref: () => Snak[][],
  target: () => boolean,
): void {
  const slug = plan.label.toLowerCase().replace(/\s+/g, '');
  const once: Array<() => void> = [
    () => add('P275', 'wikibase-item', itemValue(pick(random, LICENSES))),
    () => add('P1324', 'url', stringValue(`https://git.example.org/${slug}/${slug}`)),
    () => add('P1401', 'url', stringValue(`https://git.example.org/${slug}/${slug}/issues`)),
    () => add('P2078', 'url', stringValue(`https://${slug}.example.org/docs/`)),
    () => add('P4945', 'url', stringValue(`https://${slug}.example.org/download`)),
    () => add('P2572', 'string', stringValue(slug)),
    () => add('P2002', 'external-id', stringValue(`${slug}app`), { references: ref() }),
    () => add('P2037', 'external-id', stringValue(slug)),
    () =>
      add('P646', 'external-id', stringValue(`/m/0${random().toString(36).slice(2, 7)}`), {
        references: ref(),
      }),
    () => add('P3417', 'external-id', stringValue(plan.label.replace(/\s+/g, '-'))),
  ];
  for (const one of once) if (!target() && chance(random, 0.6)) one();
  for (const lang of sample(random, LANGUAGES, intBetween(random, 1, 3)))
    if (!target()) add('P277', 'wikibase-item', itemValue(lang));
  for (const os of sample(random, SYSTEMS, intBetween(random, 1, 5)))
    if (!target()) add('P306', 'wikibase-item', itemValue(os));
  for (const p of sample(random, PARADIGMS, intBetween(random, 0, 3)))
    if (!target()) add('P3966', 'wikibase-item', itemValue(p));
  // The long tail: versions, file formats and follower counts make up most of a big item.
  let version = [intBetween(random, 0, 3), 0, 0];
  const year = plan.published?.year ?? 2015;
  for (let i = 0; !target(); i++) {
    const kind = random();
    if (kind < 0.5) {
      version = chance(random, 0.3)
        ? [(version[0] ?? 0) + 1, 0, 0]
        : [version[0] ?? 0, (version[1] ?? 0) + 1, 0];
      const date = snak(
        'P577',
        'time',
        timeValue(year + Math.floor(i / 8), 1 + (i % 12), 1 + (i % 28), 11),
        random,
      );
      const type = snak('P548', 'wikibase-item', itemValue('Q2804309'), random);
      add('P348', 'string', stringValue(version.join('.')), { qualifiers: [type, date], references: ref() });
    } else if (kind < 0.8) {
      const format = `Q${intBetween(random, 100_000, 9_999_999)}`;
      add(chance(random, 0.5) ? 'P1072' : 'P1073', 'wikibase-item', itemValue(format));
    } else {
      const when = snak('P585', 'time', timeValue(2018 + (i % 8), 1 + (i % 12), 1, 11), random);
      const account = snak(
        'P6552',
        'external-id',
        stringValue(String(intBetween(random, 10_000, 99_999_999))),
        random,
      );
      add('P8687', 'quantity', quantityValue(intBetween(random, 100, 5_000_000)), {
        qualifiers: [when, account],
        references: ref(),
      });
    }
  }
}
