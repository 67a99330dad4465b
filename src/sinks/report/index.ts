// Writes a run's diff report into reports.dir as Markdown, JSON and a self-contained HTML page.
// The JSON holds every proposal; the Markdown and HTML pages show the first REPORT_LIMIT, grouped by
// entity, and say how to list the rest.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { groupByEntity } from './format.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_LIMIT = 5_000;

export interface ReportPaths {
  readonly markdown: string;
  readonly json: string;
  readonly html: string;
}

export function reportPaths(dir: string, runId: string): ReportPaths {
  const base = path.join(dir, runId.replace(/[^A-Za-z0-9._-]/g, '_'));
  return { markdown: `${base}.md`, json: `${base}.json`, html: `${base}.html` };
}

/** Writes to a temporary name first, so a reader never sees half a report. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** `proposals`: this run's proposals, in entity order (the store's `list` by run, sorted by the caller). */
export async function writeReports(
  dir: string,
  run: RunRecord,
  proposals: readonly Proposal[],
): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths = reportPaths(dir, run.id);
  const shown = groupByEntity(proposals.slice(0, REPORT_LIMIT));
  const omitted = Math.max(0, proposals.length - REPORT_LIMIT);
  await writeAtomically(paths.json, `${JSON.stringify({ run, proposals }, null, 2)}\n`);
  await writeAtomically(paths.markdown, renderMarkdown(run, shown, omitted));
  await writeAtomically(paths.html, renderHtml(run, shown, omitted));
  return paths;
}
