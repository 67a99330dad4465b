// The small, fixed set of items that generated items point at (developers, classes, people), so a
// client resolving the labels of `developer` or `instanceOf` values finds real entities. Independent
// of the seed: the seed only decides which of them each generated item uses.
//
// Id ranges (served only when the fake generates entities):
//   developers Q700000–Q700199 · classes Q710000–Q710029 · people Q720000–Q720099

import { hash32 } from './random.js';
import type { Entity, PageInfo, Statement } from './types.js';
import { mwTimestamp } from './types.js';

const ORG_FIRST = [
  'Norvex',
  'Quillon',
  'Astrafield',
  'Lumora',
  'Corvane',
  'Dynacrest',
  'Everpine',
  'Halcyon',
  'Iridian',
  'Juniper',
  'Kestrel',
  'Larkspur',
  'Meridian',
  'Nimbus',
  'Obsidian',
  'Pinnacle',
  'Quasar',
  'Redwood',
  'Solstice',
  'Tidewater',
] as const;
const ORG_SECOND = [
  'Labs',
  'Systems',
  'Software',
  'Interactive',
  'Research',
  'Technologies',
  'Studios',
  'Networks',
  'AI',
  'Foundation',
] as const;

const CLASSES = [
  'software',
  'web browser',
  'text editor',
  'video game',
  'mobile app',
  'operating system',
  'database management system',
  'programming language',
  'software framework',
  'software library',
  'large language model',
  'text-to-video model',
  'text-to-image model',
  'chatbot',
  'image editor',
  'web application',
  'content management system',
  'compiler',
  'integrated development environment',
  'media player',
  'email client',
  'file manager',
  'spreadsheet',
  'web server',
  'version control system',
  'virtual machine',
  'speech recognition software',
  'machine translation system',
  'search engine',
  'game engine',
] as const;

const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Grete',
  'Hiro',
  'Ines',
  'Jonas',
] as const;
const LAST_NAMES = [
  'Novak',
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Castillo',
  'Brandt',
  'Kowalski',
  'Haddad',
  'Reyes',
] as const;

export const DEVELOPER_BASE = 700_000;
export const DEVELOPER_COUNT = ORG_FIRST.length * ORG_SECOND.length;
export const CLASS_BASE = 710_000;
export const CLASS_COUNT = CLASSES.length;
export const PERSON_BASE = 720_000;
export const PERSON_COUNT = FIRST_NAMES.length * LAST_NAMES.length;

export const developerId = (n: number) => `Q${DEVELOPER_BASE + (n % DEVELOPER_COUNT)}`;
export const classId = (n: number) => `Q${CLASS_BASE + (n % CLASS_COUNT)}`;
export const personId = (n: number) => `Q${PERSON_BASE + (n % PERSON_COUNT)}`;

interface VocabularyItem {
  readonly label: string;
  readonly description: string;
  readonly instanceOf?: string;
}

function vocabularyItem(qid: string): VocabularyItem | undefined {
  const n = Number(qid.slice(1));
  if (n >= DEVELOPER_BASE && n < DEVELOPER_BASE + DEVELOPER_COUNT) {
    const i = n - DEVELOPER_BASE;
    const first = ORG_FIRST[i % ORG_FIRST.length];
    const second = ORG_SECOND[Math.floor(i / ORG_FIRST.length)];
    return { label: `${first} ${second}`, description: 'software company', instanceOf: 'Q4830453' };
  }
  if (n >= CLASS_BASE && n < CLASS_BASE + CLASS_COUNT) {
    return { label: CLASSES[n - CLASS_BASE] as string, description: 'class of software' };
  }
  if (n >= PERSON_BASE && n < PERSON_BASE + PERSON_COUNT) {
    const i = n - PERSON_BASE;
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length)]}`;
    return { label: name, description: 'software developer', instanceOf: 'Q5' };
  }
  return undefined;
}

/** The English label of a vocabulary item; undefined for other ids. */
export function vocabularyLabel(qid: string): string | undefined {
  return vocabularyItem(qid)?.label;
}

/** A vocabulary item as a small but complete entity, with its page facts; undefined for other ids. */
export function vocabularyEntity(qid: string): { entity: Entity; page: PageInfo } | undefined {
  const item = vocabularyItem(qid);
  if (!item) return undefined;
  const n = Number(qid.slice(1));
  const lastrevid = 1_400_000_000 + (hash32('vocabulary', n) % 100_000_000);
  const modified = mwTimestamp(Date.UTC(2021, 0, 1) + (lastrevid - 1_400_000_000) * 400);
  const pageid = 190_000_000 + n;
  const terms = (value: string) => ({
    en: { language: 'en', value },
    de: { language: 'de', value },
    fr: { language: 'fr', value },
  });
  const claims: Record<string, Statement[]> = item.instanceOf
    ? {
        P31: [
          {
            mainsnak: {
              snaktype: 'value' as const,
              property: 'P31',
              hash: hash32('vocabulary-p31', n).toString(16).padStart(8, '0').repeat(5),
              datavalue: {
                value: {
                  'entity-type': 'item',
                  'numeric-id': Number(item.instanceOf.slice(1)),
                  id: item.instanceOf,
                },
                type: 'wikibase-entityid',
              },
              datatype: 'wikibase-item',
            },
            type: 'statement' as const,
            id: `${qid}$${hash32('vocabulary-guid', n).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
            rank: 'normal' as const,
          },
        ],
      }
    : {};
  const entity: Entity = {
    pageid,
    ns: 0,
    title: qid,
    lastrevid,
    modified,
    type: 'item',
    id: qid,
    labels: terms(item.label),
    descriptions: { en: { language: 'en', value: item.description } },
    aliases: {},
    claims,
    sitelinks: {},
  };
  return { entity, page: { pageid, lastrevid, touched: modified, length: 2400 + item.label.length * 6 } };
}
