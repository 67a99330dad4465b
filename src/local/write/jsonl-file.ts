// Accepted proposals written into a JSONL file (local.kind jsonl): each line whose key has proposals is
// rewritten by applyToJsonlLine, every other byte kept (files.ts).

import type { Config } from '../../config.js';
import type { Proposal } from '../../model/proposal.js';
import { checkJsonlPath } from '../paths.js';
import { rewriteJsonlFile } from './files.js';
import { applyToJsonlLine } from './jsonl.js';
import { gone, type Outcome } from './outcome.js';
import { jsonlPreview } from './preview.js';
import type { Skip } from './rules.js';

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

/**
 * Writes the proposals of each entity into its JSONL line(s), streaming the file; in a dry run only
 * the preview is kept.
 */
export async function applyJsonl(
  options: { readonly config: Pick<Config, 'local' | 'fields'> },
  byEntity: ReadonlyMap<string, Proposal[]>,
  outcome: Outcome,
  dryRun: boolean,
): Promise<void> {
  const { local, fields } = options.config;
  await checkJsonlPath(local.path);
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
      const result = applyToJsonlLine(text, proposals, fields, local.path, line, outcome.guard);
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
