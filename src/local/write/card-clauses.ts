// Whether a line of a card's prose states only values, so that apply may rewrite a value in it. Pure.
//
// "Follows GPT-3, the 2020 model of the same series" says more about GPT-3 than its name: rewritten to
// "Follows GPT-3.5, the 2020 model…" it would be false. So apply rewrites a Key Facts bullet or a
// Summary line only when, read with the card reader's grammar (the fields' `phrases` and the value
// each one reads, card-prose.ts), the line is nothing but statements:
//
//   line      = [lead] statement { gap statement } tail
//   lead      = words before the first phrase, within one clause ("First announced on", "Publicly
//               released on"): no `,` `;` `:` `(` dash or sentence end
//   statement = phrase value; for a URL the phrase may be followed by the words apply writes itself
//               ("Available on the official website: [url](url)"), and a link's text must be its URL
//   gap       = punctuation and spaces, optionally "and" ("Developed by OpenAI, announced on …")
//   tail      = punctuation and spaces only
//
// Anything else — a clause, a date, parentheses, a link text describing the URL — is left for a person.
// Header lines, the title, the description line, JSON-LD and JSONL fields state their value alone.

import type { FieldSpec } from '../../model/fields.js';
import { clauseOf, MARKDOWN_LINK } from '../read/card-phrases.js';
import { spansOf, URL_LEADS } from './card-prose.js';

/** What a line says besides its values, and where: the first such part found. */
export interface ExtraWords {
  readonly where: 'before' | 'after' | 'between';
  readonly text: string;
}

const BULLET = /^\s*[-*+]\s+/;
const GAP = /^[\s,;]*(?:and\s+)?$/iu;
const TAIL = /^[\s\p{P}]*$/u;
const URL_TEXT = /^\s*https?:\/\//i;

interface Statement {
  readonly phraseStart: number;
  readonly phraseEnd: number;
  readonly start: number;
  readonly end: number;
  readonly field: FieldSpec;
}

function statementsOf(text: string, fields: readonly FieldSpec[]): Statement[] {
  return fields
    .filter((field) => field.phrases.length > 0)
    .flatMap((field) =>
      spansOf(text, field).map((span) => ({
        phraseStart: span.phraseStart,
        phraseEnd: span.phraseStart + span.phrase.length,
        start: span.start,
        end: span.end,
        field,
      })),
    )
    .sort((a, b) => a.phraseStart - b.phraseStart);
}

/** The words between a phrase and its value, when they are not the phrase's own. */
function wordsBeforeValue(text: string, statement: Statement): string | undefined {
  const between = text.slice(statement.phraseEnd, statement.start);
  if (between.trim() === '') return undefined;
  const phrase = text.slice(statement.phraseStart, statement.phraseEnd).toLowerCase();
  const lead = statement.field.type === 'url' ? URL_LEADS[phrase] : undefined;
  return lead !== undefined && between.trim().toLowerCase() === lead.trim().toLowerCase()
    ? undefined
    : between.trim();
}

/** A link's text that is not its URL describes the page ("OpenAI's research page"): a new URL may belie it. */
function linkDescription(text: string, statement: Statement): string | undefined {
  if (statement.field.type !== 'url') return undefined;
  const link = MARKDOWN_LINK.exec(text.slice(statement.start, statement.end));
  return link && !URL_TEXT.test(link[1] ?? '') ? `[${link[1]}]` : undefined;
}

/**
 * What the prose line says besides the values its phrases state, or undefined when it states values
 * only. `where` is the reader's name for the place: `Key Facts` (a bullet, its marker not counted) or
 * `Summary`. A line where no phrase reads a value says nothing apply could rewrite: it is all extra.
 */
export function extraWords(
  line: string,
  where: string,
  fields: readonly FieldSpec[],
): ExtraWords | undefined {
  const text = where === 'Key Facts' ? line.replace(BULLET, '') : line;
  const statements = statementsOf(text, fields);
  const first = statements[0];
  if (!first) return { where: 'after', text: text.trim() };
  const lead = text.slice(0, first.phraseStart);
  if (clauseOf(lead) !== lead) return { where: 'before', text: lead.trim() };
  let covered = 0;
  for (const statement of statements) {
    if (statement.phraseStart > covered) {
      const gap = text.slice(covered, statement.phraseStart);
      if (covered > 0 && !GAP.test(gap)) return { where: 'between', text: gap.trim() };
    }
    const words = wordsBeforeValue(text, statement) ?? linkDescription(text, statement);
    if (words !== undefined) return { where: 'between', text: words };
    covered = Math.max(covered, statement.end);
  }
  const tail = text.slice(covered);
  return TAIL.test(tail) ? undefined : { where: 'after', text: tail.trim() };
}
