// Which accepted proposals can be written back into the local store, and as what (SPEC §4). Pure.
//
// `add` and `update` set a field to the remote value, `redirect` replaces the record's QID with the
// item it was merged into, `moved` replaces the Wikipedia title with the page's new title. The other
// kinds are not local edits: `upstream` is an edit for Wikidata, and `ended`, `conflict`,
// `local-conflict`, `missing` and `mismatch` need a person to decide what is true (a `mismatch` never
// relinks the record to the page its title leads to). Each refusal says why, in words a
// reviewer can act on.

import type { FieldSpec } from '../../model/fields.js';
import { type ItemId, isItemId } from '../../model/ids.js';
import type { ItemValue, PageValue, Proposal, ProposalValue } from '../../model/proposal.js';
import type { LocalRecord } from '../../model/record.js';
import { formatTime, isTimeValue, parseIsoTime, type TimeValue } from '../../model/time.js';
import {
  CONTROL_CHARACTER,
  findCharacter,
  normalizeText,
  parseWebUrl,
  printableJson,
  quoted,
} from '../../model/values.js';
import { isWikiLanguage, wikipediaTitleProblem } from '../../model/wikipedia.js';

/** A proposal that was not applied, and why. */
export interface Skip {
  readonly id: string;
  readonly reason: string;
  /** For a refusal because a side moved since the proposal was found: a stable code (guards.ts). */
  readonly code?: string;
}

/**
 * Why apply may not write a proposal into the record as read (a side moved since the proposal was
 * found), or undefined. Asked only of proposals the record does not already carry.
 */
export type Guard = (proposal: Proposal, record: LocalRecord) => Skip | undefined;

/** One value of a statement field, as it will be written. */
export type FactItem = TimeValue | ItemValue | string;

/** What an applicable proposal changes in a record. */
export type Change =
  | { readonly target: 'qid'; readonly value: ItemId }
  | { readonly target: 'label' | 'description'; readonly field: FieldSpec; readonly value: string }
  | { readonly target: 'wikipedia'; readonly field: FieldSpec; readonly value: PageValue }
  | { readonly target: 'fact'; readonly field: FieldSpec; readonly value: FactItem | readonly FactItem[] };

export type Planned = { ok: true; change: Change } | { ok: false; reason: string };

/** The key the readers use for a change's statements (`record.origins`, a conflict's `field`). */
export function targetKey(change: Change): string {
  return change.target === 'fact' ? change.field.name : change.target;
}

/** Why each kind that is not a local edit is left alone; `{store}` is "card" or "JSONL record". */
const NOT_LOCAL: Readonly<Record<string, string>> = {
  upstream: 'upstream proposals are edits for Wikidata, not for the {store}',
  ended:
    'Wikidata says the value has ended: decide by hand what the {store} should say now (drop it, or state the current value)',
  conflict:
    'Wikidata is ambiguous here (several best-rank values, or novalue): decide by hand what the {store} should say',
  'local-conflict':
    'a local conflict is settled by editing the {store} by hand: choose which of its statements is right',
  missing:
    'the Wikidata item or the Wikipedia page does not exist: there is no value to write; fix the {store} by hand',
  mismatch:
    'the Wikipedia page belongs to another Wikidata item: decide by hand whether the link or the QID is wrong',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNoValue(value: unknown): boolean {
  return isObject(value) && value.snaktype === 'novalue';
}

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Why a remote text cannot be written into a local record at all: a control character, a line end or a
 * bidirectional control would break the card's line or make it read differently from what it says.
 * Other whitespace is written as the readers read it, collapsed to single spaces (normalizeText).
 */
function textProblem(what: string, text: string): string | undefined {
  const found = findCharacter(text, CONTROL_CHARACTER);
  return found
    ? `${what} ${quoted(text)} has ${found.name} at character ${found.position}, which a card or a JSONL record cannot state`
    : undefined;
}

function readPage(value: unknown): Read<PageValue> {
  if (!isObject(value) || typeof value.lang !== 'string' || typeof value.title !== 'string')
    return { ok: false, reason: `the remote value ${show(value)} is not a Wikipedia page {lang, title}` };
  if (!isWikiLanguage(value.lang))
    return { ok: false, reason: `${quoted(value.lang)} is not a Wikipedia language code` };
  const title = value.title.replace(/_/g, ' ').trim();
  const problem = textProblem('the remote Wikipedia title', title) ?? wikipediaTitleProblem(title);
  return problem ? { ok: false, reason: problem } : { ok: true, value: { lang: value.lang, title } };
}

function readItem(value: unknown): Read<ItemValue> {
  if (!isObject(value)) return { ok: false, reason: `the remote value ${show(value)} is not an item` };
  const id = value.id;
  const text = typeof value.label === 'string' ? value.label.trim() : '';
  const problem = textProblem('the remote item', text);
  if (problem) return { ok: false, reason: problem };
  const label = text === '' ? undefined : normalizeText(text);
  if (id !== undefined && !isItemId(id)) return { ok: false, reason: `${show(id)} is not a QID` };
  if (id === undefined && label === undefined)
    return { ok: false, reason: 'the remote item has no id or label' };
  return {
    ok: true,
    value: { ...(id === undefined ? {} : { id }), ...(label === undefined ? {} : { label }) },
  };
}

function readSingle(field: FieldSpec, value: unknown): Read<FactItem> {
  switch (field.type) {
    case 'time': {
      if (typeof value !== 'string')
        return { ok: false, reason: `the remote value ${show(value)} is not a date` };
      const time = parseIsoTime(value);
      return time.ok ? time : { ok: false, reason: `the remote value: ${time.reason}` };
    }
    case 'item':
      return readItem(value);
    case 'url': {
      if (typeof value !== 'string')
        return { ok: false, reason: `the remote value ${show(value)} is not a URL` };
      const url = parseWebUrl(value);
      return url.ok ? url : { ok: false, reason: `the remote value: ${url.reason}` };
    }
    case 'text': {
      if (typeof value !== 'string' || value.trim() === '')
        return { ok: false, reason: `the remote value ${show(value)} is not text` };
      const problem = textProblem(`the remote value of "${field.name}"`, value.trim());
      return problem ? { ok: false, reason: problem } : { ok: true, value: normalizeText(value) };
    }
    case 'page':
      return { ok: false, reason: 'a page field is the record\'s "wikipedia", not a fact' };
  }
}

function readFact(field: FieldSpec, value: ProposalValue): Read<FactItem | readonly FactItem[]> {
  if (!field.many) {
    if (Array.isArray(value))
      return {
        ok: false,
        reason: `Wikidata gives ${value.length} values for the single-valued field "${field.name}"`,
      };
    return readSingle(field, value);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { ok: false, reason: `Wikidata lists no values for "${field.name}"` };
  const values: FactItem[] = [];
  for (const item of list) {
    const read = readSingle(field, item);
    if (!read.ok) return read;
    values.push(read.value);
  }
  return { ok: true, value: values };
}

/**
 * What `proposal` would change, or why it is not applied. `store` names the local record in reasons
 * ("card", "JSONL record"). The proposal's status is the caller's business: apply passes accepted ones.
 */
export function planChange(proposal: Proposal, fields: readonly FieldSpec[], store: string): Planned {
  const refusal = NOT_LOCAL[proposal.kind];
  if (refusal) return { ok: false, reason: refusal.replaceAll('{store}', store) };
  const remote = proposal.remote;
  if (remote === null || remote === undefined)
    return { ok: false, reason: 'the proposal has no remote value to write' };
  if (isNoValue(remote))
    return { ok: false, reason: 'Wikidata states that there is no value (novalue): nothing to write' };

  if (proposal.kind === 'redirect') {
    const item = readItem(remote);
    if (!item.ok) return item;
    if (!item.value.id) return { ok: false, reason: 'the redirect names no target QID' };
    return { ok: true, change: { target: 'qid', value: item.value.id } };
  }
  const field = fields.find((f) => f.name === proposal.field);
  if (!field)
    return { ok: false, reason: `the field "${proposal.field}" is not configured (fields: in the config)` };
  if (proposal.kind === 'moved' && field.type !== 'page')
    return { ok: false, reason: `a moved page applies to a Wikipedia field, not to "${field.name}"` };
  if (field.source === 'sitelink' || field.type === 'page') {
    const page = readPage(remote);
    return page.ok ? { ok: true, change: { target: 'wikipedia', field, value: page.value } } : page;
  }
  if (field.source === 'label' || field.source === 'description') {
    if (typeof remote !== 'string' || remote.trim() === '')
      return { ok: false, reason: `the remote ${field.source} ${show(remote)} is not text` };
    const problem = textProblem(`the remote ${field.source}`, remote.trim());
    if (problem) return { ok: false, reason: problem };
    return { ok: true, change: { target: field.source, field, value: normalizeText(remote) } };
  }
  const fact = readFact(field, remote);
  return fact.ok ? { ok: true, change: { target: 'fact', field, value: fact.value } } : fact;
}

/**
 * Proposals of one record, at most one per target: when two accepted proposals would set the same
 * field, the one seen last wins and the other is skipped (it is older news).
 */
export function onePerTarget(
  proposals: readonly Proposal[],
  fields: readonly FieldSpec[],
): { chosen: Proposal[]; skipped: Skip[] } {
  const keyOf = (proposal: Proposal) => {
    if (proposal.kind === 'redirect') return 'qid';
    const field = fields.find((f) => f.name === proposal.field);
    if (field?.source === 'sitelink') return 'wikipedia';
    return field?.source === 'label' || field?.source === 'description' ? field.source : proposal.field;
  };
  const latest = new Map<string, Proposal>();
  for (const proposal of proposals) {
    if (NOT_LOCAL[proposal.kind]) continue;
    const key = keyOf(proposal);
    const kept = latest.get(key);
    if (!kept || proposal.lastSeen >= kept.lastSeen) latest.set(key, proposal);
  }
  const chosen: Proposal[] = [];
  const skipped: Skip[] = [];
  for (const proposal of proposals) {
    const winner = NOT_LOCAL[proposal.kind] ? proposal : latest.get(keyOf(proposal));
    if (winner === proposal) chosen.push(proposal);
    else
      skipped.push({
        id: proposal.id,
        reason: `another accepted proposal for "${proposal.field}" (${winner?.id}) is newer and is applied instead`,
      });
  }
  return { chosen, skipped };
}

/** A value for a reason: short, on one line, safe to print. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (isObject(value)) {
    if (isTimeValue(value)) return formatTime(value);
    if (typeof value.lang === 'string' && typeof value.title === 'string')
      return `${isWikiLanguage(value.lang) ? value.lang : printableJson(value.lang)}: ${quoted(value.title)}`;
    if ('id' in value || 'label' in value) {
      const { id, label } = value as ItemValue;
      return id && label ? `${quoted(label)} (${id})` : printableJson(label ?? id);
    }
  }
  return printableJson(value);
}
