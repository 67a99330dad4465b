// Accepted proposals written into a Markdown card (SPEC §2). Pure: the card's text in, the new text out.
//
// A value is rewritten everywhere the card states it (Key Facts, Summary, header, JSON-LD), so the card
// stays consistent; a value the card does not state is added (a Key Facts bullet, a description or
// Wikipedia line). A value a place cannot hold as written (markup in a title, a URL a Markdown link
// cannot hold) is refused before anything is rewritten (card-encode.ts). Each proposal is applied on its
// own and the card is then read back with the card reader, place by place (card-verify.ts): the change
// is kept only if the card still reads, states exactly the proposed value in every place it states the
// field, has no new local conflict and says the same about everything else. Otherwise the proposal is
// skipped with the reason, and the card is left as it was. A value stated in a prose line that says
// more about it than the value ("Follows GPT-3, the 2020 model…", card-clauses.ts) is written nowhere:
// the proposal needs a person, with those lines.

import type { FieldSpec } from '../../model/fields.js';
import { canonicalJson, type Proposal } from '../../model/proposal.js';
import type { LocalRecord, Origin } from '../../model/record.js';
import { parseCard } from '../read/card-parser.js';
import { type ExtraWords, extraWords } from './card-clauses.js';
import { placeProblem } from './card-encode.js';
import { blockLines, editJsonLd, findJsonBlock, type JsonBlock } from './card-jsonld.js';
import {
  insertDescription,
  insertKeyFact,
  insertWikipediaHeader,
  rewriteDescription,
  rewriteTitle,
  rewriteWikidataHeader,
  rewriteWikipediaHeader,
} from './card-layout.js';
import { factBullet, rewriteProse } from './card-prose.js';
import { verifyCard } from './card-verify.js';
import { staleReason, statesValue } from './record-state.js';
import { type Change, type Guard, onePerTarget, planChange, type Skip, targetKey } from './rules.js';

export interface CardApplyResult {
  /** The card's new text (the same string when nothing changed). */
  readonly text: string;
  /** Ids of the proposals the text now carries (including those it already did). */
  readonly applied: string[];
  readonly skipped: Skip[];
  /** Proposals whose value sits in lines that say more about it: written nowhere, left for a person. */
  readonly needsPerson: NeedsPerson[];
}

/** A line that states the old value and more about it (card-clauses.ts): apply leaves it to a person. */
export interface PersonLine {
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** What it says besides the value. */
  readonly extra: ExtraWords;
}

export interface NeedsPerson {
  readonly id: string;
  readonly lines: readonly PersonLine[];
}

type Edit =
  | { ok: true; lines: string[] }
  | { ok: false; reason: string }
  | { ok: false; person: PersonLine[] };

const STORE = 'card';

/** One line of the card rewritten for the change, per where the reader found the statement. */
function rewriteLine(line: string, where: string, change: Change, record: LocalRecord): string | undefined {
  switch (where) {
    case 'Key Facts':
    case 'Summary':
      return change.target === 'fact' ? rewriteProse(line, change.field, change.value) : undefined;
    case 'title':
      return change.target === 'label' ? rewriteTitle(line, change.value) : undefined;
    case 'description line':
      return change.target === 'description' ? rewriteDescription(line, change.value) : undefined;
    case 'header Wikidata link':
    case 'header Wikidata link text':
      return change.target === 'qid' ? rewriteWikidataHeader(line, change.value) : undefined;
    case 'header Wikipedia link':
      return change.target === 'wikipedia'
        ? rewriteWikipediaHeader(line, change.value, record.wikipedia)
        : undefined;
    default:
      return undefined;
  }
}

function firstJsonBlock(lines: readonly string[]): JsonBlock | undefined {
  const open = lines.findIndex((line) => /^\s*```\s*(?:json|jsonld|ld\+json|json-ld)\s*$/i.test(line));
  return open < 0 ? undefined : findJsonBlock(lines, open + 1);
}

/** States a value the card does not state yet. */
function addStatement(lines: string[], change: Change): Edit {
  const refused = (place: string) => {
    const reason = placeProblem(change, place);
    return reason === undefined ? undefined : { ok: false as const, reason };
  };
  if (change.target === 'description')
    return refused('description line') ?? { ok: true, lines: insertDescription(lines, change.value) };
  if (change.target === 'wikipedia') return { ok: true, lines: insertWikipediaHeader(lines, change.value) };
  if (change.target !== 'fact') return { ok: false, reason: `the card does not state its ${change.target}` };
  const bullet = factBullet(change.field, change.value);
  if (bullet !== undefined) return refused('Key Facts') ?? { ok: true, lines: insertKeyFact(lines, bullet) };
  const block = change.field.jsonld ? firstJsonBlock(lines) : undefined;
  if (block && change.field.jsonld) {
    const value = editJsonLd(block.value, change.field.jsonld, change);
    return {
      ok: true,
      lines: [...lines.slice(0, block.bodyStart), ...blockLines(block, value), ...lines.slice(block.bodyEnd)],
    };
  }
  return {
    ok: false,
    reason: `the card has no place to state "${change.field.name}": the field has no phrases${
      change.field.jsonld ? ' and the card no JSON-LD block' : ' and no jsonld key'
    } in the config`,
  };
}

function uniqueOrigins(origins: readonly Origin[]): Origin[] {
  const seen = new Set<string>();
  return origins.filter((o) => {
    const key = `${o.where}\u0000${o.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The prose lines stating the change's field that say more than values: none may be rewritten. */
function personLines(
  lines: readonly string[],
  origins: readonly Origin[],
  change: Change,
  fields: readonly FieldSpec[],
): PersonLine[] {
  if (change.target !== 'fact') return [];
  const found: PersonLine[] = [];
  for (const { where, line } of origins) {
    const text = line === undefined ? undefined : lines[line - 1];
    if (text === undefined || (where !== 'Key Facts' && where !== 'Summary')) continue;
    const extra = extraWords(text, where, fields);
    if (extra) found.push({ line: line as number, text, extra });
  }
  return found;
}

/** The card's lines with the change written everywhere the card states the target. */
function editCard(lines: string[], record: LocalRecord, change: Change, fields: readonly FieldSpec[]): Edit {
  const origins = uniqueOrigins(record.origins?.[targetKey(change)] ?? []);
  if (origins.length === 0) return addStatement(lines, change);
  const person = personLines(lines, origins, change, fields);
  if (person.length > 0) return { ok: false, person };
  const out = [...lines];
  const blocks = new Map<number, { block: JsonBlock; keys: Set<string> }>();
  for (const origin of origins) {
    const index = (origin.line ?? 0) - 1;
    const line = out[index];
    const at = `${origin.where}${origin.line === undefined ? '' : `, line ${origin.line}`}`;
    if (line === undefined) return { ok: false, reason: `cannot find where the card states it (${at})` };
    const problem = placeProblem(change, origin.where);
    if (problem) return { ok: false, reason: problem };
    if (origin.where.startsWith('JSON-LD ')) {
      const block = findJsonBlock(out, index);
      if (!block) return { ok: false, reason: `cannot find the JSON-LD block that states it (${at})` };
      const entry = blocks.get(block.bodyStart) ?? { block, keys: new Set<string>() };
      entry.keys.add(origin.where.slice('JSON-LD '.length));
      blocks.set(block.bodyStart, entry);
      continue;
    }
    const rewritten = rewriteLine(line, origin.where, change, record);
    if (rewritten === undefined) return { ok: false, reason: `cannot rewrite the statement in ${at}` };
    out[index] = rewritten;
  }
  // Blocks last and bottom-up: a re-serialised block may change the line count below it only.
  let result = out;
  for (const { block, keys } of [...blocks.values()].sort((a, b) => b.block.bodyStart - a.block.bodyStart)) {
    let value = block.value;
    for (const key of keys) value = editJsonLd(value, key, change, record.wikipedia);
    if (canonicalJson(value) === canonicalJson(block.value)) continue;
    result = [
      ...result.slice(0, block.bodyStart),
      ...blockLines(block, value),
      ...result.slice(block.bodyEnd),
    ];
  }
  return { ok: true, lines: result };
}

/**
 * Writes accepted proposals into a card. `record` is the card as read (its key and file name the
 * card in reasons); the text is read again here so every change starts from what the card says now.
 * Proposals of kinds that are not local edits are skipped with the reason; so is a proposal whose
 * field the card cannot state so that it reads back.
 */
export function applyToCard(
  text: string,
  record: LocalRecord,
  proposals: readonly Proposal[],
  fields: readonly FieldSpec[],
  guard?: Guard,
): CardApplyResult {
  const applied: string[] = [];
  const needsPerson: NeedsPerson[] = [];
  const initial = parseCard(text, record.key, record.file, fields);
  if (!initial.ok) {
    const reason = `the card does not read: ${initial.error.error}`;
    return { text, applied, skipped: proposals.map((p) => ({ id: p.id, reason })), needsPerson };
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let current = { text, record: initial.record };
  const { chosen, skipped } = onePerTarget(proposals, fields);
  for (const proposal of chosen) {
    const planned = planChange(proposal, fields, STORE);
    if (!planned.ok) {
      skipped.push({ id: proposal.id, reason: planned.reason });
      continue;
    }
    const change = planned.change;
    const conflicted = current.record.conflicts.some((c) => c.field === targetKey(change));
    const says = statesValue(current.record, change);
    if (says && !conflicted) {
      applied.push(proposal.id); // already says it: nothing to write
      continue;
    }
    // Checked against the card as it was read, not as this apply has rewritten it so far.
    const moved = guard?.(proposal, initial.record);
    if (moved) {
      skipped.push(moved);
      continue;
    }
    // A card that says the value in one place and another value elsewhere is rewritten, not stale.
    const stale = says ? undefined : staleReason(current.record, change, proposal, STORE);
    if (stale) {
      skipped.push({ id: proposal.id, reason: stale });
      continue;
    }
    const edit = editCard(current.text.split(/\r?\n/), current.record, change, fields);
    if (!edit.ok) {
      if ('person' in edit) needsPerson.push({ id: proposal.id, lines: edit.person });
      else skipped.push({ id: proposal.id, reason: edit.reason });
      continue;
    }
    const next = edit.lines.join(eol);
    const verified = verifyCard(current, next, change, fields);
    if (!verified.ok) {
      skipped.push({ id: proposal.id, reason: verified.reason });
      continue;
    }
    current = { text: next, record: verified.record };
    applied.push(proposal.id);
  }
  return { text: current.text, applied, skipped, needsPerson };
}
