// A card's fixed lines — the `# Title`, the `> description`, the `**Wikidata**` and `**Wikipedia**`
// header links — rewritten or added, and new Key Facts bullets placed where a reader expects them. Pure:
// lines in, lines out.

import type { PageValue } from '../../model/proposal.js';
import type { WikipediaLink } from '../../model/record.js';
import { languageName, wikipediaUrl, withWikidataId } from './wikipedia-url.js';

const FENCE = /^\s*```/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LINK = /^\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/;
const BULLET = /^(\s*)([-*+])\s+/;

export function rewriteTitle(line: string, label: string): string {
  return line.replace(/^(#\s+).*$/, (_, hash: string) => `${hash}${label}`);
}

export function rewriteDescription(line: string, description: string): string {
  return line.replace(/^(>\s*).*$/, (_, mark: string) => `${mark || '> '}${description}`);
}

/** A header line split into its label (`**Wikidata**: `), its target and trailing spaces (a Markdown line break). */
function headerParts(line: string, name: string): { head: string; target: string; tail: string } | undefined {
  const match = new RegExp(`^(\\*\\*${name}\\*\\*:\\s*)(.*?)(\\s*)$`).exec(line);
  return match ? { head: match[1] ?? '', target: match[2] ?? '', tail: match[3] ?? '' } : undefined;
}

/** `**Wikidata**: [Q1](https://www.wikidata.org/wiki/Q1)` pointing at `qid`, in both text and target. */
export function rewriteWikidataHeader(line: string, qid: string): string {
  const parts = headerParts(line, 'Wikidata');
  if (!parts) return line;
  const link = LINK.exec(parts.target);
  let target: string;
  if (link) {
    const text = /^\s*[Qq]\d+\s*$/.test(link[1] ?? '') ? qid : (link[1] ?? '');
    target = `[${text}](${withWikidataId(link[2] ?? '', qid)})${parts.target.slice(link[0].length)}`;
  } else target = /^https?:\/\//i.test(parts.target) ? withWikidataId(parts.target, qid) : qid;
  return `${parts.head}${target}${parts.tail}`;
}

/** `**Wikipedia**: [English](…/Old_title)` pointing at the new page; the link text names its language. */
export function rewriteWikipediaHeader(line: string, page: PageValue, current?: WikipediaLink): string {
  const parts = headerParts(line, 'Wikipedia');
  if (!parts) return line;
  const link = LINK.exec(parts.target);
  let target: string;
  if (link) {
    const keepText = current?.lang === page.lang && (link[1] ?? '').trim() !== '';
    const text = keepText ? (link[1] ?? '') : languageName(page.lang);
    target = `[${text}](${wikipediaUrl(page, link[2])})${parts.target.slice(link[0].length)}`;
  } else target = wikipediaUrl(page, parts.target);
  return `${parts.head}${target}${parts.tail}`;
}

/** Index of the `# Title` line, and of the first line of the card's body (its first `##` heading or fence). */
function preamble(lines: readonly string[]): { title: number; bodyStart: number } {
  const title = lines.findIndex((line) => /^#\s+/.test(line));
  const after = lines.findIndex((line, i) => i > title && (/^#{2}\s+/.test(line) || FENCE.test(line)));
  return { title, bodyStart: after < 0 ? lines.length : after };
}

/** Inserts `added` at `at`, with a blank line before and after unless one is already there. */
function insertBlock(lines: string[], at: number, added: readonly string[]): string[] {
  const before = at > 0 && (lines[at - 1] ?? '').trim() !== '' ? [''] : [];
  const after = at < lines.length && (lines[at] ?? '').trim() !== '' ? [''] : [];
  return [...lines.slice(0, at), ...before, ...added, ...after, ...lines.slice(at)];
}

/** Adds the `> description` line under the title. */
export function insertDescription(lines: string[], description: string): string[] {
  const { title } = preamble(lines);
  return insertBlock(lines, title + 1, [`> ${description}`]);
}

/** Adds a `**Wikipedia**` header line, under the `**Wikidata**` line when there is one. */
export function insertWikipediaHeader(lines: string[], page: PageValue): string[] {
  const { title, bodyStart } = preamble(lines);
  const text = `**Wikipedia**: [${languageName(page.lang)}](${wikipediaUrl(page)})`;
  const wikidata = lines.findIndex(
    (line, i) => i > title && i < bodyStart && /^\*\*Wikidata\*\*:/.test(line),
  );
  if (wikidata >= 0) {
    const tail = /\s*$/.exec(lines[wikidata] ?? '')?.[0] ?? '';
    return [...lines.slice(0, wikidata + 1), `${text}${tail}`, ...lines.slice(wikidata + 1)];
  }
  const description = lines.findIndex((line, i) => i > title && i < bodyStart && line.startsWith('>'));
  return insertBlock(lines, (description >= 0 ? description : title) + 1, [text]);
}

interface Section {
  /** The `## Name` line. */
  readonly heading: number;
  /** The line after the section's last line. */
  readonly end: number;
}

/** The `## name` section: it runs to the next `#`/`##` heading or fenced block. */
function findSection(lines: readonly string[], name: string): Section | undefined {
  let inFence = false;
  let heading = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      if (heading >= 0) return { heading, end: i };
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const match = HEADING.exec(line);
    if (!match || (match[1]?.length ?? 0) > 2) continue;
    if (heading >= 0) return { heading, end: i };
    if (match[1] === '##' && (match[2] ?? '').trim().toLowerCase() === name) heading = i;
  }
  return heading >= 0 ? { heading, end: lines.length } : undefined;
}

/** Index after the last non-blank line of lines[from, to). */
function lastContent(lines: readonly string[], from: number, to: number): number {
  let end = to;
  while (end > from && (lines[end - 1] ?? '').trim() === '') end--;
  return end;
}

/**
 * Adds a bullet at the end of the Key Facts list, in the list's own marker. Without a Key Facts
 * section, one is created after the Summary (or after the header lines), before the next section.
 */
export function insertKeyFact(lines: string[], text: string): string[] {
  const facts = findSection(lines, 'key facts');
  if (facts) {
    let last = -1;
    for (let i = facts.heading + 1; i < facts.end; i++) if (BULLET.test(lines[i] ?? '')) last = i;
    const marker = last >= 0 ? BULLET.exec(lines[last] ?? '') : null;
    const bullet = `${marker?.[1] ?? ''}${marker?.[2] ?? '-'} ${text}`;
    if (last < 0) {
      const at = facts.heading + 1;
      const gap = (lines[at] ?? '').trim() !== '' ? [''] : [];
      return [...lines.slice(0, at), bullet, ...gap, ...lines.slice(at)];
    }
    // After the last bullet and the lines that continue it.
    const at = endOfItem(lines, last + 1, facts.end);
    return [...lines.slice(0, at), bullet, ...lines.slice(at)];
  }
  const summary = findSection(lines, 'summary');
  const at = summary
    ? lastContent(lines, summary.heading + 1, summary.end)
    : lastContent(lines, 0, preamble(lines).bodyStart);
  return insertBlock(lines, at, ['## Key Facts', `- ${text}`]);
}

/** The first blank or bullet line (or the section end) at or after `from`: where a list item ends. */
function endOfItem(lines: readonly string[], from: number, end: number): number {
  let i = from;
  while (i < end && (lines[i] ?? '').trim() !== '' && !BULLET.test(lines[i] ?? '')) i++;
  return i;
}
