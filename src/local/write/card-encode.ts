// How a value is written in each place of a card, or why that place cannot hold it. Pure.
//
// The card reader takes Markdown text literally: it decodes no backslash escapes and no HTML entities.
// So a value that Markdown would read as something else — HTML, a link, emphasis, code, a table cell,
// a heading or a list — cannot be escaped in a title, a description line or a sentence and still read
// back as written: it is refused, with the character, where it is, and what Markdown would make of it.
// Places the reader reads another way are escaped instead: the text of a `[url](url)` link (the reader
// takes the target) and JSON-LD strings (`<`, `>`, U+2028 and U+2029 as \u escapes, which JSON.parse
// decodes back, so a `</script>` in a value cannot close the <script> a JSON-LD block is published in).

import type { FieldSpec } from '../../model/fields.js';
import type { ItemValue } from '../../model/proposal.js';
import { findCharacter, quoted } from '../../model/values.js';
import type { Change, FactItem } from './rules.js';

/** A place of a card that states values as Markdown text, as the card reader names it. */
export type MarkdownPlace = 'title' | 'description line' | 'Key Facts' | 'Summary';

const PLACE_NAMES: Readonly<Record<MarkdownPlace, string>> = {
  title: "the card's title",
  'description line': "the card's description line",
  'Key Facts': 'a Key Facts bullet',
  Summary: 'a Summary sentence',
};

/** Characters Markdown gives a meaning anywhere in a line, and what it reads them as. */
const INLINE: ReadonlyArray<readonly [RegExp, string]> = [
  [/[<>]/u, 'as HTML'],
  [/[[\]]/u, 'as a link'],
  [/[*~]/u, 'as emphasis'],
  [/`/u, 'as code'],
  [/\|/u, 'as a table cell'],
  [/\\/u, 'as an escape'],
];

/**
 * An underscore that can open emphasis: one not after a letter or digit. An underscore after one can
 * only close emphasis (CommonMark's flanking rules), and with no opener it stays a "_" ("snake_case_").
 */
const EMPHASIS_UNDERSCORE = /(?<![\p{L}\p{N}])_/u;
/** `&amp;`, `&#60;`, `&#x3C;`: Markdown shows the character, the reader keeps the entity. */
const ENTITY = /&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/u;

/** Line starts Markdown reads as a block of their own, when a value opens a line. */
const LINE_START: ReadonlyArray<readonly [RegExp, string]> = [
  [/^#{1,6}(?:\s|$)/u, 'as a heading'],
  [/^[-+](?:\s|$)/u, 'as a list item'],
  [/^\d{1,9}[.)](?:\s|$)/u, 'as a numbered list item'],
  [/^(?:-\s*){3,}$/u, 'as a horizontal rule'],
];

/** The 1-based position in characters of the UTF-16 offset `index`. */
const positionOf = (text: string, index: number) => [...text.slice(0, index)].length + 1;

/**
 * Why `value` cannot be written as Markdown text at `place`, or undefined when it reads back as written.
 * `what` names the value in the reason ("the remote label").
 */
export function markdownTextProblem(what: string, value: string, place: MarkdownPlace): string | undefined {
  const refuse = (problem: string, meaning: string) =>
    `${what} ${quoted(value)} ${problem}, which ${PLACE_NAMES[place]} cannot hold: Markdown reads it ${meaning}`;
  for (const [pattern, meaning] of INLINE) {
    const found = findCharacter(value, pattern);
    if (found) return refuse(`has ${found.name} at character ${found.position}`, meaning);
  }
  const underscore = EMPHASIS_UNDERSCORE.exec(value);
  if (underscore) return refuse(`has "_" at character ${positionOf(value, underscore.index)}`, 'as emphasis');
  const entity = ENTITY.exec(value);
  if (entity)
    return refuse(
      `has ${quoted(entity[0])} at character ${positionOf(value, entity.index)}`,
      'as an HTML character reference',
    );
  const start = place === 'description line' && LINE_START.find(([pattern]) => pattern.test(value));
  if (start) return refuse('begins like a Markdown block', start[1]);
  if (place === 'title' && value.endsWith('#'))
    return `${what} ${quoted(value)} ends in "#", which ${PLACE_NAMES[place]} cannot hold: the closing "#" of a heading is not read`;
  return undefined;
}

/** A link target the card reader takes back whole: at most one level of balanced parentheses. */
const LINK_TARGET = /^(?:[^()\s]|\([^()\s]*\))+$/u;

/**
 * Why a URL (already checked by parseWebUrl: no whitespace, quotes, angle brackets or backslash) cannot
 * be written as a Markdown link `[url](url)` in a card's prose, or undefined.
 */
export function markdownLinkProblem(what: string, url: string, place: MarkdownPlace): string | undefined {
  const where = PLACE_NAMES[place];
  if (!LINK_TARGET.test(url))
    return `${what} ${quoted(url)} has unbalanced parentheses, which a Markdown link in ${where} cannot hold: percent-encode them as %28 and %29`;
  const bracket = findCharacter(url, /[[\]]/u);
  if (bracket)
    return `${what} ${quoted(url)} has ${bracket.name} at character ${bracket.position}, which a Markdown link in ${where} cannot hold: percent-encode it`;
  const entity = ENTITY.exec(url);
  if (entity)
    return `${what} ${quoted(url)} has ${quoted(entity[0])} at character ${positionOf(url, entity.index)}, which a Markdown link in ${where} would decode as an HTML character reference`;
  return undefined;
}

/**
 * The text of a link that shows its own URL: the signs Markdown reads as emphasis or code escaped with
 * a backslash. The reader takes a link's target, never its text, so the escapes cannot change a value.
 */
export function linkText(url: string): string {
  return url.replace(/[*~`]|(?<![\p{L}\p{N}])_/gu, '\\$&');
}

/**
 * A JSON string for a JSON-LD block: `<` and `>` (so no `</script>` or `<!--` can end the script element
 * the block is published in) and U+2028/U+2029 (line ends to JavaScript) as \u escapes.
 */
export function jsonLdString(value: string): string {
  return JSON.stringify(value).replace(
    /[<>\u2028\u2029]/gu,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

function factProblem(field: FieldSpec, value: FactItem, place: MarkdownPlace): string | undefined {
  switch (field.type) {
    case 'text':
      return markdownTextProblem(`the remote value of "${field.name}"`, value as string, place);
    case 'item': {
      const { label } = value as ItemValue;
      return label === undefined ? undefined : markdownTextProblem('the remote item', label, place);
    }
    case 'url':
      return markdownLinkProblem(`the remote value of "${field.name}"`, value as string, place);
    default:
      return undefined; // dates are written by apply itself, in words and digits
  }
}

/**
 * Why a change's value cannot be written at a place of the card (`where`, as the card reader names
 * it), or undefined. JSON-LD places take any text (jsonLdString escapes it); header links are built
 * from checked QIDs and percent-encoded titles.
 */
export function placeProblem(change: Change, where: string): string | undefined {
  if (where === 'title' && change.target === 'label')
    return markdownTextProblem('the remote label', change.value, 'title');
  if (where === 'description line' && change.target === 'description')
    return markdownTextProblem('the remote description', change.value, 'description line');
  if ((where === 'Key Facts' || where === 'Summary') && change.target === 'fact') {
    const values = (Array.isArray(change.value) ? change.value : [change.value]) as FactItem[];
    for (const value of values) {
      const problem = factProblem(change.field, value, where);
      if (problem) return problem;
    }
  }
  return undefined;
}
