// `factsync apply`: accepted proposals written back into the local store (SPEC §4 lifecycle
// accepted → applied). Lists every accepted proposal, writes each record's into its card or JSONL line,
// then marks the applied ones. A proposal that cannot be applied — not a local edit, a record that is
// gone or changed since, a value the record cannot state — is skipped with its reason, never an error.
// A proposal is refused (guards.ts) when its record was edited, or a later run no longer found its
// difference, since it was found; one whose value a card states in a line that says more about it
// ("Follows GPT-3, the 2020 model…", card-clauses.ts) needs a person: nothing of it is written. Both
// stay accepted for later.
// With `dryRun` nothing is written and nothing marked: the result says what would change, with a
// unified-diff-like preview per file.
// This is the local store's writing side: records are found with its reading side (../read) and its
// card parser, under the same path and text rules (../paths.ts, ../text.ts).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { CARD_SIDES, isDecidedForCard } from '../../model/decision.js';
import type { Proposal } from '../../model/proposal.js';
import type { LocalRecord, ReadError } from '../../model/record.js';
import type { ProposalStore } from '../../sinks/store.js';
import { cardKey } from '../paths.js';
import { openLocalSource } from '../read/index.js';
import { bomOf, decodeText } from '../text.js';
import { applyToCard } from './cards.js';
import { replaceFile } from './files.js';
import { type LastCompared, latestSightings, movedGuard, REFUSED } from './guards.js';
import { applyJsonl } from './jsonl-file.js';
import { type ApplyNeedsPerson, type ApplySkip, type FileChange, gone, Outcome } from './outcome.js';
import { unifiedDiff } from './preview.js';
import type { Skip } from './rules.js';

export { applyToCard, type CardApplyResult, type PersonLine } from './cards.js';
export { LocalChangedError } from './files.js';
export { type LastCompared, REFUSED } from './guards.js';
export { applyToJsonlLine, type JsonlApplyResult } from './jsonl.js';
export type { Skip } from './rules.js';

export interface ApplyOptions {
  readonly store: ProposalStore;
  readonly config: Pick<Config, 'local' | 'fields'>;
  /** The time stamped on applied proposals (ISO 8601). */
  readonly now: () => string;
  /** Write nothing, mark nothing: report what would change. */
  readonly dryRun?: boolean;
  /**
   * The sync state of these entities (what their last comparison read), when the caller can read it:
   * it tells a difference the last run no longer found even when the entity has no other proposal.
   */
  readonly lastCompared?: (entities: readonly string[]) => Promise<ReadonlyMap<string, LastCompared>>;
}

export type { ApplyNeedsPerson, ApplySkip, FileChange } from './outcome.js';

export interface ApplyResult {
  readonly dryRun: boolean;
  readonly counts: {
    readonly accepted: number;
    readonly applied: number;
    readonly skipped: number;
    readonly needsPerson: number;
    readonly files: number;
  };
  /** Ids of the proposals written (or already stated) in the local store, now `applied`. */
  readonly applied: readonly string[];
  readonly skipped: readonly ApplySkip[];
  readonly needsPerson: readonly ApplyNeedsPerson[];
  readonly files: readonly FileChange[];
}

const PAGE = 500;

/** What apply writes: the proposals decided for the card (`card`, `both`; src/model/decision.ts). */
async function acceptedProposals(store: ProposalStore): Promise<Proposal[]> {
  const all: Proposal[] = [];
  let after: string | undefined;
  do {
    const filter = { status: ['decided' as const], side: CARD_SIDES };
    const page = await store.list(filter, { limit: PAGE, ...(after ? { after } : {}) });
    all.push(...page.proposals.filter(isDecidedForCard));
    after = page.next;
  } while (after);
  return all;
}

/**
 * Accepted proposals whose finding a later run replaced: a run never changes a decision, so the accepted
 * proposal stays accepted, but an open one of the same field and kind seen after it says Wikidata's
 * value changed since. Writing the value that was accepted would be writing yesterday's; it waits for
 * a new review instead.
 */
async function overtaken(store: ProposalStore, accepted: readonly Proposal[]): Promise<Skip[]> {
  const skips: Skip[] = [];
  for (const entity of new Set(accepted.map((p) => p.entity))) {
    const open = await store.list({ entity, status: ['open'] }, { limit: PAGE });
    for (const proposal of accepted.filter((p) => p.entity === entity)) {
      const newer = open.proposals.find(
        (o) =>
          o.entity === entity &&
          o.field === proposal.field &&
          o.kind === proposal.kind &&
          o.lastSeen > proposal.lastSeen,
      );
      if (newer)
        skips.push({
          id: proposal.id,
          code: REFUSED.remoteMoved,
          reason: `a later run found another value (${newer.id}, open): Wikidata changed since this was accepted; review that one`,
        });
    }
  }
  return skips;
}

export async function applyAccepted(options: ApplyOptions): Promise<ApplyResult> {
  const dryRun = options.dryRun ?? false;
  const all = await acceptedProposals(options.store);
  const stale = await overtaken(options.store, all);
  const staleIds = new Set(stale.map((s) => s.id));
  const accepted = all.filter((p) => !staleIds.has(p.id));
  const byEntity = new Map<string, Proposal[]>();
  for (const proposal of accepted) {
    const list = byEntity.get(proposal.entity) ?? [];
    list.push(proposal);
    byEntity.set(proposal.entity, list);
  }
  const sightings = await latestSightings(
    options.store,
    accepted.map((p) => p.entity),
  );
  const store = options.config.local.kind === 'jsonl' ? 'JSONL record' : 'card';
  const entities = [...new Set(accepted.map((p) => p.entity))];
  const compared =
    options.lastCompared && entities.length > 0 ? await options.lastCompared(entities) : undefined;
  const guard = movedGuard(sightings, options.config.fields, store, compared);
  const outcome = new Outcome(new Map(all.map((p) => [p.id, p])), guard);
  outcome.skip(stale);
  if (accepted.length > 0) {
    if (options.config.local.kind === 'jsonl') await applyJsonl(options, byEntity, outcome, dryRun);
    else await applyCards(options, byEntity, outcome, dryRun);
  }
  if (!dryRun) {
    const at = options.now();
    for (let i = 0; i < outcome.applied.length; i += PAGE)
      await options.store.markApplied(outcome.applied.slice(i, i + PAGE), at);
  }
  return {
    dryRun,
    counts: {
      accepted: all.length,
      applied: outcome.applied.length,
      skipped: outcome.skipped.length,
      needsPerson: outcome.needsPerson.length,
      files: outcome.files.length,
    },
    applied: outcome.applied,
    skipped: outcome.skipped,
    needsPerson: outcome.needsPerson,
    files: outcome.files,
  };
}

async function applyCards(
  options: ApplyOptions,
  byEntity: ReadonlyMap<string, Proposal[]>,
  outcome: Outcome,
  dryRun: boolean,
): Promise<void> {
  const { config } = options;
  const found = new Map<string, LocalRecord[]>();
  const unreadable = new Map<string, ReadError>();
  for await (const result of (await openLocalSource(config)).records()) {
    if (!result.ok) {
      const key = cardKey(result.error.file);
      if (byEntity.has(key)) unreadable.set(key, result.error);
    } else if (byEntity.has(result.record.key)) {
      found.set(result.record.key, [...(found.get(result.record.key) ?? []), result.record]);
    }
  }
  for (const [key, proposals] of byEntity) {
    const records = found.get(key) ?? [];
    const error = unreadable.get(key);
    const [record] = records;
    if (records.length > 1) {
      const files = records.map((r) => path.relative(config.local.path, r.file) || r.file);
      outcome.skipAll(
        proposals,
        `${records.length} cards have the key "${key}" (${files.join(', ')}): apply by hand`,
      );
    } else if (!record && error) {
      const line = error.line === undefined ? '' : `:${error.line}`;
      outcome.skipAll(proposals, `the card ${error.file}${line} does not read: ${error.error}`);
    } else if (!record) {
      outcome.skipAll(proposals, gone('cards', config.local.path));
    } else await applyCard(record, proposals, options, outcome, dryRun);
  }
}

async function applyCard(
  record: LocalRecord,
  proposals: readonly Proposal[],
  options: ApplyOptions,
  outcome: Outcome,
  dryRun: boolean,
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(record.file);
  } catch (error) {
    outcome.skipAll(
      proposals,
      `cannot read the card ${record.file} (${(error as NodeJS.ErrnoException).code})`,
    );
    return;
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    outcome.skipAll(proposals, `cannot read the card ${record.file}: ${decoded.reason}`);
    return;
  }
  const result = applyToCard(decoded.text, record, proposals, options.config.fields, outcome.guard);
  outcome.skip(result.skipped);
  outcome.person(record.file, result.needsPerson);
  if (result.text !== decoded.text && !dryRun) {
    const content = `${bomOf(bytes)}${result.text}`;
    let written: 'written' | 'changed';
    try {
      written = await replaceFile(record.file, content, bytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      outcome.skip(
        result.applied.map((id) => ({ id, reason: `cannot write the card ${record.file} (${code})` })),
      );
      return;
    }
    if (written === 'changed') {
      const reason = `the card ${record.file} changed while apply was writing it; nothing was written, run apply again`;
      outcome.skip(result.applied.map((id) => ({ id, reason })));
      return;
    }
  }
  outcome.applied.push(...result.applied);
  if (result.text !== decoded.text) {
    outcome.files.push({
      file: record.file,
      applied: result.applied,
      ...(dryRun ? { preview: unifiedDiff(record.file, decoded.text, result.text) } : {}),
    });
  }
}
