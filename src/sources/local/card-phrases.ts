// The facts a card states in prose: "Developed by OpenAI, announced on February 15, 2024". Each field's
// configured phrases are looked for in Key Facts bullets and Summary sentences; what follows a phrase is
// read as the field's type (a date, an item or a list of items, a URL). Pure.

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

/** A sentence that is a list: it ends in "…, and X" or "… and X". */
export const LIST_SENTENCE = /^[^,]+(?:,\s*[^,]+)*,?\s+and\s+[^,]+$/i;

export const MARKDOWN_LINK = /\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/;

/** `[OpenAI](https://www.wikidata.org/wiki/Q21708200)` → { id, label }; plain text → { label }. */
function itemFrom(text: string): ItemRef | undefined {
  const link = MARKDOWN_LINK.exec(text);
  const label = normalizeText(
    (link ? text.replace(MARKDOWN_LINK, link[1] ?? '') : text).replace(/^[*_"'“]+|[*_"'”]+$/g, ''),
  )
    .replace(/^(?:a|an|the)\s+/i, '')
    .trim();
  const id = link ? itemIdFromUrl(link[2] ?? '') : undefined;
  if (id) return label ? { id, label } : { id };
  return label ? { label } : undefined;
}

/** Up to the end of the sentence: `;`, or `.` followed by a space or the end. */
export function sentenceOf(rest: string): string {
  return rest.split(/;|\.(?=\s|$)/)[0] ?? '';
}

/** Up to the end of the clause: also `,`, `:`, `(` and a dash. */
export function clauseOf(rest: string): string {
  return rest.split(/[,;:(]|\.(?=\s|$)|\s[—–-]\s/)[0] ?? '';
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
  if (many && LIST_SENTENCE.test(sentence.trim())) {
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
  return bare?.replace(/[.,;:!?'"”)]+$/, '');
}

/** Whether the words after a time phrase are meant as a date ("February 15, 2024", "2024"), not prose. */
export function looksLikeDate(rest: string): boolean {
  return /^(?:\d|[A-Za-z]+\.?\s+\d)/.test(rest);
}

/** Every fact the configured phrases find in one bullet or sentence. */
export function findPhraseFacts(text: string, fields: readonly FieldSpec[]): PhraseFinding[] {
  const findings: PhraseFinding[] = [];
  for (const field of fields) {
    for (const pattern of patternsOf(field)) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const rest = text.slice(match.index + match[0].length);
        const phrase = match[0].trim();
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
