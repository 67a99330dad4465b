// `factsync apply`: accepted proposals written back into the local store (SPEC §4 lifecycle
// accepted → applied). Lists every accepted proposal, writes each record's into its card or JSONL line,
// then marks the applied ones. A proposal that cannot be applied — not a local edit, a record that is
// gone or changed since, a value the record cannot state — is skipped with its reason, never an error.
// With `dryRun` nothing is written and nothing marked: the result says what would change, with a
// unified-diff-like preview per file.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { CARD_SIDES, isDecidedForCard } from '../../model/decision.js';
import type { Proposal, ProposalKind } from '../../model/proposal.js';
import type { LocalRecord, ReadError } from '../../model/record.js';
import { LocalSourceError, openLocalSource } from '../../sources/local/index.js';
import { decodeText } from '../../sources/local/text.js';
import type { ProposalStore } from '../store.js';
import { applyToCard } from './cards.js';
import { replaceFile, rewriteJsonlFile } from './files.js';
import { applyToJsonlLine } from './jsonl.js';
import { jsonlPreview, unifiedDiff } from './preview.js';
import type { Skip } from './rules.js';

export { applyToCard, type CardApplyResult } from './cards.js';
export { LocalChangedError } from './files.js';
export { applyToJsonlLine, type JsonlApplyResult } from './jsonl.js';
export type { Skip } from './rules.js';

export interface ApplyOptions {
  readonly store: ProposalStore;
  readonly config: Pick<Config, 'local' | 'fields'>;
  /** The time stamped on applied proposals (ISO 8601). */
  readonly now: () => string;
  /** Write nothing, mark nothing: report what would change. */
  readonly dryRun?: boolean;
}

export interface ApplySkip {
  readonly id: string;
  readonly entity: string;
  readonly field: string;
  readonly kind: ProposalKind;
  readonly reason: string;
}

/** A file apply changed (or, in a dry run, would change). */
export interface FileChange {
  readonly file: string;
  /** The proposals it now carries. */
  readonly applied: readonly string[];
  /** What changed, as a unified diff; in dry runs only. */
  readonly preview?: string;
}

export interface ApplyResult {
  readonly dryRun: boolean;
  readonly counts: {
    readonly accepted: number;
    readonly applied: number;
    readonly skipped: number;
    readonly files: number;
  };
  /** Ids of the proposals written (or already stated) in the local store, now `applied`. */
  readonly applied: readonly string[];
  readonly skipped: readonly ApplySkip[];
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

/** The outcome being built: applied ids, skips with their proposal, changed files. */
class Outcome {
  readonly applied: string[] = [];
  readonly skipped: ApplySkip[] = [];
  readonly files: FileChange[] = [];
  constructor(private readonly byId: ReadonlyMap<string, Proposal>) {}

  skip(skips: readonly Skip[]): void {
    for (const { id, reason } of skips) {
      const p = this.byId.get(id);
      if (p) this.skipped.push({ id, entity: p.entity, field: p.field, kind: p.kind, reason });
    }
  }

  skipAll(proposals: readonly Proposal[], reason: string): void {
    this.skip(proposals.map((p) => ({ id: p.id, reason })));
  }
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
  const outcome = new Outcome(new Map(all.map((p) => [p.id, p])));
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
      files: outcome.files.length,
    },
    applied: outcome.applied,
    skipped: outcome.skipped,
    files: outcome.files,
  };
}

const gone = (kind: string, where: string) =>
  `the entity is no longer in the local store (${kind}: ${where}); nothing to write`;

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
      const key = path.basename(result.error.file, '.md');
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

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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
  const result = applyToCard(decoded.text, record, proposals, options.config.fields);
  outcome.skip(result.skipped);
  if (result.text !== decoded.text && !dryRun) {
    const content = `${bytes.subarray(0, 3).equals(BOM) ? '\uFEFF' : ''}${result.text}`;
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

/** Matches `{"key":"…"` at the start of a line, the JSONL form: the key without parsing the whole line. */
const LEADING_KEY = /^\s*\{\s*"key"\s*:\s*("(?:[^"\\]|\\.)*")/;

function keyOf(text: string): string | undefined {
  try {
    const leading = LEADING_KEY.exec(text);
    if (leading) return JSON.parse(leading[1] as string) as string;
    const json: unknown = JSON.parse(text);
    const key = typeof json === 'object' && json !== null ? (json as { key?: unknown }).key : undefined;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

async function applyJsonl(
  options: ApplyOptions,
  byEntity: ReadonlyMap<string, Proposal[]>,
  outcome: Outcome,
  dryRun: boolean,
): Promise<void> {
  const { local, fields } = options.config;
  const info = await stat(local.path).catch(() => undefined);
  if (!info)
    throw new LocalSourceError(
      'LOCAL_PATH_MISSING',
      'local.path',
      `local.path: ${local.path} does not exist`,
    );
  if (!info.isFile())
    throw new LocalSourceError(
      'LOCAL_PATH_KIND',
      'local.path',
      `local.path: ${local.path} is a folder; local.kind jsonl reads one file`,
    );
  const seen = new Set<string>();
  const applied = new Set<string>();
  const skips = new Map<string, Skip>();
  const changes: Array<{ line: number; before: string; after: string }> = [];
  const changed = await rewriteJsonlFile({
    file: local.path,
    maxLineBytes: local.maxRecordBytes,
    dryRun,
    edit: (text, line) => {
      const key = keyOf(text);
      const proposals = key === undefined ? undefined : byEntity.get(key);
      if (key === undefined || !proposals) return undefined;
      seen.add(key);
      const result = applyToJsonlLine(text, proposals, fields, local.path, line);
      for (const id of result.applied) applied.add(id);
      for (const skip of result.skipped) if (!skips.has(skip.id)) skips.set(skip.id, skip);
      if (result.line === text) return undefined;
      if (dryRun) changes.push({ line, before: text, after: result.line });
      return result.line;
    },
  });
  // A key on several lines gets the value on each; a proposal applied on any of them counts as applied.
  outcome.applied.push(...applied);
  outcome.skip([...skips.values()].filter((s) => !applied.has(s.id)));
  for (const [key, proposals] of byEntity)
    if (!seen.has(key)) outcome.skipAll(proposals, gone('jsonl', local.path));
  if (changed > 0)
    outcome.files.push({
      file: local.path,
      applied: [...applied],
      ...(dryRun ? { preview: jsonlPreview(local.path, changes) } : {}),
    });
}
