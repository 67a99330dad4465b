// Writing a value into a card's prose: a Key Facts bullet or a Summary sentence that states a fact with
// one of its field's phrases ("Developed by OpenAI, announced on February 15, 2024"). Only the value
// after the phrase changes; the rest of the sentence stays as written. Pure.
//
// The value spans are found the way the card reader finds them (src/local/read/card-phrases.ts): a
// date right after a time phrase, an item up to the clause end, a list up to the sentence end, the link
// of "Available on …:". The caller re-reads the result, so a drift between the two is caught, not written.

import type { FieldSpec } from '../../model/fields.js';
import type { ItemValue } from '../../model/proposal.js';
import { MONTH_NAMES, parseDatePrefix, type TimePrecision, type TimeValue } from '../../model/time.js';
import { escapeRegExp, labelKey } from '../../model/values.js';
import { clauseOf, LIST_SENTENCE, looksLikeDate, MARKDOWN_LINK, sentenceOf } from '../read/card-phrases.js';
import { linkText } from './card-encode.js';
import type { FactItem } from './rules.js';

const MARKDOWN_LINKS = new RegExp(MARKDOWN_LINK.source, 'g');

/** Links blanked out, keeping every offset: their `(`, `.` and `,` must not end a clause. */
const maskLinks = (text: string) => text.replace(MARKDOWN_LINKS, (link) => '\uE000'.repeat(link.length));

export type DateStyle = 'month-first' | 'day-first' | 'iso';

/** The style a card wrote a date in: `2024-02-15`, `15 February 2024`, else `February 15, 2024`. */
export function dateStyleOf(text: string): DateStyle {
  if (/^\d{4}-\d{2}/.test(text)) return 'iso';
  if (/^\d{1,2}\s+[A-Za-z]/.test(text)) return 'day-first';
  return 'month-first';
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** A date as a card writes it, at its precision: `February 15, 2024`, `February 2024`, `2024`. */
export function formatCardDate(value: TimeValue, style: DateStyle = 'month-first'): string {
  const year = value.year < 0 ? `${Math.abs(value.year)} BCE` : String(value.year);
  if (style === 'iso' && value.year >= 0) {
    if (value.precision === 'year') return pad(value.year, 4);
    if (value.precision === 'month') return `${pad(value.year, 4)}-${pad(value.month ?? 1, 2)}`;
    return `${pad(value.year, 4)}-${pad(value.month ?? 1, 2)}-${pad(value.day ?? 1, 2)}`;
  }
  const month = MONTH_NAMES[(value.month ?? 1) - 1] ?? '';
  if (value.precision === 'year') return year;
  if (value.precision === 'month') return `${month} ${year}`;
  return style === 'day-first' ? `${value.day} ${month} ${year}` : `${month} ${value.day}, ${year}`;
}

/** An item in prose: its label, or a link to its Wikidata page when it has no label. */
export function itemText(item: ItemValue): string {
  if (item.label) return item.label;
  return `[${item.id}](https://www.wikidata.org/wiki/${item.id})`;
}

/** `a`, `a and b`, `a, b, and c` (the serial comma, as the example cards write lists). */
export function listText(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(' and ');
  return `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
}

/** An article kept before a rewritten list, agreeing with its new first word: "a" or "an". */
function article(lead: string, next: string): string {
  const word = lead.trim();
  if (!/^an?$/i.test(word)) return lead;
  const wanted = /^[aeiou]/i.test(next) ? 'an' : 'a';
  const cased = word.charAt(0) === 'A' ? `A${wanted.slice(1)}` : wanted;
  return lead.replace(word, cased);
}

/** The field's phrase to use for a date of `precision`: "announced on" for a day, "announced in" else. */
export function phraseFor(field: FieldSpec, precision: TimePrecision, current?: string): string | undefined {
  const base = current ?? field.phrases[0];
  if (base === undefined || field.type !== 'time') return base;
  const [want, other] = precision === 'day' ? [' on', ' in'] : [' in', ' on'];
  if (!base.toLowerCase().endsWith(other)) return base;
  const swapped = `${base.slice(0, -other.length)}${want}`;
  return field.phrases.some((p) => p.toLowerCase() === swapped.toLowerCase()) ? swapped : base;
}

/** One place in a line where the field's value is stated: the phrase and the value after it. */
export interface ValueSpan {
  readonly phraseStart: number;
  readonly phrase: string;
  readonly start: number;
  readonly end: number;
  /** For items: whether the value runs to the sentence end (a list may be written there). */
  readonly toSentenceEnd: boolean;
}

/** Where `line` states `field`, as the card reader reads it: right to left, without overlaps. */
export function spansOf(line: string, field: FieldSpec): ValueSpan[] {
  const spans: ValueSpan[] = [];
  for (const phrase of field.phrases) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase)}\\s+`, 'giu');
    for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
      const start = match.index + match[0].length;
      const rest = line.slice(start);
      const span = valueSpan(field, rest);
      if (span)
        spans.push({
          phraseStart: match.index,
          phrase: match[0].trimEnd(),
          start: start + span.from,
          end: start + span.to,
          toSentenceEnd: span.toSentenceEnd,
        });
    }
  }
  // Right to left, without overlaps, so each replacement leaves the earlier offsets valid.
  spans.sort((a, b) => b.start - a.start);
  return spans.filter((span, i) => i === 0 || span.end <= (spans[i - 1] as ValueSpan).phraseStart);
}

function valueSpan(
  field: FieldSpec,
  rest: string,
): { from: number; to: number; toSentenceEnd: boolean } | undefined {
  if (field.type === 'time') {
    if (!looksLikeDate(rest)) return undefined;
    const date = parseDatePrefix(rest);
    return date.ok ? { from: 0, to: date.length, toSentenceEnd: false } : undefined;
  }
  if (field.type === 'url') {
    const sentence = sentenceOf(rest);
    const link = MARKDOWN_LINK.exec(sentence);
    if (link && /^https?:\/\//i.test(link[2] ?? ''))
      return { from: link.index, to: link.index + link[0].length, toSentenceEnd: false };
    const bare = /https?:\/\/[^\s<>()[\]]+/i.exec(sentence);
    if (!bare) return undefined;
    const url = bare[0].replace(/[.,;:!?'"”)]+$/, '');
    return { from: bare.index, to: bare.index + url.length, toSentenceEnd: false };
  }
  if (field.type === 'item') {
    const masked = maskLinks(rest);
    const sentence = sentenceOf(masked).trimEnd();
    if (field.many && LIST_SENTENCE.test(sentence.trim()))
      return { from: 0, to: sentence.length, toSentenceEnd: true };
    const clause = clauseOf(masked).trimEnd();
    return clause.trim()
      ? { from: 0, to: clause.length, toSentenceEnd: clause.length === sentence.length }
      : undefined;
  }
  if (field.type === 'text') {
    const clause = clauseOf(rest).trimEnd();
    return clause.trim() ? { from: 0, to: clause.length, toSentenceEnd: false } : undefined;
  }
  return undefined;
}

const itemKey = (text: string) =>
  labelKey(text.replace(MARKDOWN_LINKS, '$1').replace(/^(?:a|an|the)\s+/i, '')).replace(/[\s_-]+/g, '');

/** Items in the order the card listed them (those it named), then the new ones in the proposal's order. */
function orderLike(items: readonly ItemValue[], old: string): ItemValue[] {
  const named = old.split(/,\s*(?:and\s+)?|\s+and\s+/i).map(itemKey);
  const rank = (item: ItemValue) => {
    const index = item.label === undefined ? -1 : named.indexOf(itemKey(item.label));
    return index < 0 ? named.length : index;
  };
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map((x) => x.item);
}

/** The new text of a value span, in the style of the old one. */
function replacement(
  field: FieldSpec,
  old: string,
  value: FactItem | readonly FactItem[],
  span: ValueSpan,
): string {
  if (field.type === 'time') return formatCardDate(value as TimeValue, dateStyleOf(old));
  if (field.type === 'url') {
    const url = value as string;
    const link = MARKDOWN_LINK.exec(old);
    // A bare URL stays bare unless Markdown would read some of it as emphasis or code: then a link.
    if (!link) return linkText(url) === url ? url : `[${linkText(url)}](${url})`;
    const text = link[1] ?? '';
    // "[https://a](https://a)" shows the URL: both halves change. "[the site](https://a)": only the target.
    return /^https?:\/\//i.test(text.trim()) ? `[${linkText(url)}](${url})` : `[${text}](${url})`;
  }
  if (field.type === 'text') return value as string;
  const items = orderLike((Array.isArray(value) ? value : [value]) as ItemValue[], old);
  const texts = items.map(itemText);
  const lead = /^(?:(?:a|an|the)\s+)/i.exec(old)?.[0] ?? '';
  const first = texts[0] ?? '';
  const listed = items.length > 2 && !span.toSentenceEnd ? texts.join(' and ') : listText(texts);
  if (items.length === 1 && !lead) {
    // A single item keeps the emphasis or quotes around it, and a Wikidata link stays a link.
    const link = MARKDOWN_LINK.exec(old);
    const item = items[0] as ItemValue;
    if (link && /wikidata\.org\//i.test(link[2] ?? '') && item.id && item.label)
      return `[${item.label}](https://www.wikidata.org/wiki/${item.id})`;
    const wrap = /^([*_"'“]*)[\s\S]*?([*_"'”]*)$/.exec(old);
    return `${wrap?.[1] ?? ''}${first}${wrap?.[2] ?? ''}`;
  }
  return `${lead ? article(lead, first) : ''}${listed}`;
}

/** Re-cases a phrase like the text it replaces: "Released in" for "Released on". */
function recase(phrase: string, like: string): string {
  return like[0] && like[0] === like[0].toUpperCase()
    ? phrase.charAt(0).toUpperCase() + phrase.slice(1)
    : phrase;
}

/**
 * The line with every statement of `field` set to `value`; undefined when no phrase of the field
 * states a value there.
 */
export function rewriteProse(
  line: string,
  field: FieldSpec,
  value: FactItem | readonly FactItem[],
): string | undefined {
  const spans = spansOf(line, field);
  if (spans.length === 0) return undefined;
  let text = line;
  for (const span of spans) {
    const old = text.slice(span.start, span.end);
    let out = `${text.slice(0, span.start)}${replacement(field, old, value, span)}${text.slice(span.end)}`;
    if (field.type === 'time') {
      // "released in August 2022" becomes "released on August 22, 2022" when the field has both phrases.
      const phrase = phraseFor(field, (value as TimeValue).precision, span.phrase.toLowerCase());
      if (phrase && phrase !== span.phrase.toLowerCase()) {
        const cased = recase(phrase, span.phrase);
        out = `${out.slice(0, span.phraseStart)}${cased}${out.slice(span.phraseStart + span.phrase.length)}`;
      }
    }
    text = out;
  }
  return text;
}

/** The words apply writes between "Available on" and a website's link: what P856 means, whatever the URL. */
export const URL_LEADS: Readonly<Record<string, string>> = { 'available on': 'the official website: ' };

/** A Key Facts bullet stating the value with the field's first phrase: "Followed by Sora 2". */
export function factBullet(field: FieldSpec, value: FactItem | readonly FactItem[]): string | undefined {
  const precision = field.type === 'time' ? (value as TimeValue).precision : 'day';
  const phrase = phraseFor(field, precision);
  if (phrase === undefined) return undefined;
  const lead = phrase.charAt(0).toUpperCase() + phrase.slice(1);
  switch (field.type) {
    case 'time':
      return `${lead} ${formatCardDate(value as TimeValue)}`;
    case 'url': {
      const url = value as string;
      return `${lead} ${URL_LEADS[phrase.toLowerCase()] ?? ''}[${linkText(url)}](${url})`;
    }
    case 'item': {
      const items = (Array.isArray(value) ? value : [value]) as ItemValue[];
      return `${lead} ${listText(items.map(itemText))}`;
    }
    default:
      return `${lead} ${value as string}`;
  }
}
