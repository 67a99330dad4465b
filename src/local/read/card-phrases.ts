// The facts a card states in prose: "Developed by OpenAI, announced on February 15, 2024". Each field's
// configured phrases are looked for in Key Facts bullets and Summary sentences; what follows a phrase is
// read as the field's type (a date, an item or a list of items, a URL). Pure.
// The text is untrusted: every pattern runs in time linear in what it reads, and what follows a phrase
// is read from at most PHRASE_REACH characters, so a long line of repeated phrases stays cheap.

import type { FieldSpec, SingleFact } from '../../model/fields.js';
import { itemIdFromUrl } from '../../model/ids.js';
import { parseDatePrefix } from '../../model/time.js';
import { escapeRegExp, type ItemRef, normalizeText } from '../../model/values.js';

export type PhraseFinding = { ok: true; field: FieldSpec; value: SingleFact } | { ok: false; reason: string };

const phrasePatterns = new WeakMap<FieldSpec, RegExp[]>();

function patternsOf(field: FieldSpec): RegExp[] {
  let patterns = phrasePatterns.get(field);
  if (!patterns) {
    patterns = field.phrases.map(
      (phrase) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase)}\\s+`, 'giu'),
    );
    phrasePatterns.set(field, patterns);
  }
  return patterns;
}

/** How many characters after a phrase its value is read from: far more than any name, date or URL. */
export const PHRASE_REACH = 10_000;

/**
 * A sentence that is a list: it ends in "…, and X" or "… and X". Each comma-separated part is one
 * `[^,]+` (a `\s*` before it would make the parts ambiguous, and the search exponential).
 */
export const LIST_SENTENCE = /^[^,]+(?:,[^,]+)*,?\s+and\s+[^,]+$/i;

const ENDS_IN_AND_ITEM = /\s+and\s+[^,]+$/i;
const AND_ITEM_AFTER_TEXT = /.\s+and\s+[^,]+$/i;

/** LIST_SENTENCE, decided in one pass: no empty part between commas, and the last part is "… and X". */
export function isListSentence(sentence: string): boolean {
  const parts = sentence.split(',');
  const last = parts.at(-1) ?? '';
  if (parts.some((part) => part === '')) return false;
  // A lone part needs some text before " and "; after a comma the last part may start with it.
  return parts.length > 1 ? ENDS_IN_AND_ITEM.test(last) : AND_ITEM_AFTER_TEXT.test(last);
}

/** `[text](url)`; the text holds no `[`, so a run of `[` is passed over once, not once per bracket. */
export const MARKDOWN_LINK = /\[([^\][]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/;

/** `text` without the given characters at its start and end, in one pass (no backtracking `[…]+$`). */
function trimChars(text: string, leading: string, trailing: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && leading.includes(text[start] as string)) start++;
  while (end > start && trailing.includes(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** `[OpenAI](https://www.wikidata.org/wiki/Q21708200)` → { id, label }; plain text → { label }. */
function itemFrom(text: string): ItemRef | undefined {
  const link = MARKDOWN_LINK.exec(text);
  const label = normalizeText(
    trimChars(link ? text.replace(MARKDOWN_LINK, link[1] ?? '') : text, '*_"\'“', '*_"\'”'),
  )
    .replace(/^(?:a|an|the)\s+/i, '')
    .trim();
  const id = link ? itemIdFromUrl(link[2] ?? '') : undefined;
  if (id) return label ? { id, label } : { id };
  return label ? { label } : undefined;
}

const SENTENCE_END = /;|\.(?=\s|$)/;
const CLAUSE_END = /[,;:(]|\.(?=\s|$)|\s[—–-]\s/;

/** `rest` up to the first match of `end` (a search, not a split of the whole rest). */
function upTo(rest: string, end: RegExp): string {
  const at = rest.search(end);
  return at < 0 ? rest : rest.slice(0, at);
}

/** Up to the end of the sentence: `;`, or `.` followed by a space or the end. */
export function sentenceOf(rest: string): string {
  return upTo(rest, SENTENCE_END);
}

/** Up to the end of the clause: also `,`, `:`, `(` and a dash. */
export function clauseOf(rest: string): string {
  return upTo(rest, CLAUSE_END);
}

/**
 * Items after a phrase. A sentence that ends in "…, and X" or "… and X" is a list ("Classified as a
 * text-to-video model, diffusion model, and transformer"); otherwise the item ends at the clause, so
 * "Developed by OpenAI, announced on …" gives OpenAI alone.
 */
function itemsAfter(text: string, many: boolean): ItemRef[] {
  // Links are set aside first: their "(" and "." must not end a clause.
  const links: string[] = [];
  const rest = text.replace(
    new RegExp(MARKDOWN_LINK.source, 'g'),
    (link) => `\uE000${links.push(link) - 1}\uE001`,
  );
  const restore = (part: string) =>
    part.replace(/\uE000(\d+)\uE001/g, (_, index: string) => links[Number(index)] ?? '');
  const sentence = sentenceOf(rest);
  let parts: string[];
  if (many && isListSentence(sentence.trim())) {
    parts = sentence.split(/,\s*(?:and\s+)?|\s+and\s+/i);
  } else {
    const clause = clauseOf(rest);
    parts = many ? clause.split(/\s+and\s+/i) : [clause];
  }
  return parts.map((part) => itemFrom(restore(part))).filter((item): item is ItemRef => item !== undefined);
}

function urlAfter(rest: string): string | undefined {
  const sentence = sentenceOf(rest);
  const link = MARKDOWN_LINK.exec(sentence);
  if (link && /^https?:\/\//i.test(link[2] ?? '')) return link[2];
  const bare = /https?:\/\/[^\s<>()[\]]+/i.exec(sentence)?.[0];
  return bare === undefined ? undefined : trimChars(bare, '', '.,;:!?\'"”)');
}

/** Whether the words after a time phrase are meant as a date ("February 15, 2024", "2024"), not prose. */
export function looksLikeDate(rest: string): boolean {
  return /^(?:\d|[A-Za-z]+\.?\s+\d)/.test(rest);
}

/**
 * Every fact the configured phrases find in one bullet or sentence, up to `limit` findings (the caller
 * refuses a card that states more). Runs of white space count as one space, so no pattern backtracks
 * over a long run of them; values are normalised that way anyway, and a phrase written with a double
 * space or a no-break space is found too.
 */
export function findPhraseFacts(
  line: string,
  fields: readonly FieldSpec[],
  limit = Number.POSITIVE_INFINITY,
): PhraseFinding[] {
  const text = line.replace(/\s+/g, ' ');
  const findings: PhraseFinding[] = [];
  for (const field of fields) {
    for (const pattern of patternsOf(field)) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        if (findings.length >= limit) return findings;
        const from = match.index + match[0].length;
        const rest = text.slice(from, from + PHRASE_REACH);
        const phrase = match[0].trim();
        // A value read from a sentence cut short could be a different value: refuse, do not guess.
        if (field.type !== 'time' && from + PHRASE_REACH < text.length && !/;|\.\s/.test(rest)) {
          const reach = PHRASE_REACH.toLocaleString('en');
          const reason = `more than ${reach} characters after "${phrase}" without the end of a sentence`;
          findings.push({ ok: false, reason });
          continue;
        }
        if (field.type === 'time') {
          if (!looksLikeDate(rest)) continue;
          const date = parseDatePrefix(rest);
          findings.push(
            date.ok
              ? { ok: true, field, value: date.value }
              : { ok: false, reason: `${date.reason} after "${phrase}"` },
          );
        } else if (field.type === 'url') {
          const url = urlAfter(rest);
          if (url) findings.push({ ok: true, field, value: url });
        } else if (field.type === 'item') {
          for (const item of itemsAfter(rest, field.many)) findings.push({ ok: true, field, value: item });
        } else if (field.type === 'text') {
          const value = normalizeText(clauseOf(rest));
          if (value) findings.push({ ok: true, field, value });
        }
      }
    }
  }
  return findings;
}
