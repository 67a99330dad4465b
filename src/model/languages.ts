// The Wikidata item of a label language, for "language of work or name" (P407): which of several
// websites is the English one. Common languages are built in; config `compare.languageItems` adds or
// overrides. Pure data.

import type { ItemId } from './ids.js';

/** Language code → the item of that language, as P407 values name it. */
export const LANGUAGE_ITEMS: Readonly<Record<string, ItemId>> = {
  en: 'Q1860',
  de: 'Q188',
  fr: 'Q150',
  es: 'Q1321',
  it: 'Q652',
  ja: 'Q5287',
  zh: 'Q7850',
  ru: 'Q7737',
  pt: 'Q5146',
  nl: 'Q7411',
  pl: 'Q809',
  ko: 'Q9176',
  ar: 'Q13955',
  sv: 'Q9027',
  uk: 'Q8798',
  cs: 'Q9056',
  fi: 'Q1412',
  tr: 'Q256',
  he: 'Q9288',
  hi: 'Q1568',
  vi: 'Q9199',
  fa: 'Q9168',
  hu: 'Q9067',
  el: 'Q9129',
};

/** The items of `languages`, in order, with `overrides` (config) winning over the built-in table. */
export function languageItems(
  languages: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): ItemId[] {
  return languages.flatMap((lang) => {
    const id = (overrides[lang] ?? LANGUAGE_ITEMS[lang]) as ItemId | undefined;
    return id ? [id] : [];
  });
}
