// Writes a run's diff report into reports.dir as Markdown, JSON and a self-contained HTML page.
// The JSON holds every proposal, written as it streams in; the Markdown and HTML pages show the first
// REPORT_LIMIT, grouped by entity, and say how to list the rest. What the writer holds is bounded by
// REPORT_LIMIT, not by the run: a night's run may hold millions of proposals.

import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { groupByEntity } from './format.js';
import { renderHtml } from './html.js';
import { reportJsonPieces } from './json.js';
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

/**
 * `proposals`: this run's proposals in entity order, read once (`runProposalStream` in ./collect.ts).
 * Each file is written under a temporary name and renamed once all three are written, so a reader
 * never sees half a report; on failure the temporary files are removed.
 */
export async function writeReports(
  dir: string,
  run: RunRecord,
  proposals: AsyncIterable<Proposal> | Iterable<Proposal>,
): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths = reportPaths(dir, run.id);
  const temporary = (file: string) => `${file}.${process.pid}.tmp`;
  const order = ['json', 'markdown', 'html'] as const;
  const first: Proposal[] = [];
  let total = 0;
  async function* counted(): AsyncGenerator<Proposal> {
    for await (const proposal of proposals) {
      total++;
      if (first.length < REPORT_LIMIT) first.push(proposal);
      yield proposal;
    }
  }
  try {
    // pipeline: the store is read only as fast as the file takes the text (backpressure).
    await pipeline(Readable.from(reportJsonPieces(run, counted())), createWriteStream(temporary(paths.json)));
    const shown = groupByEntity(first);
    const omitted = total - first.length;
    await writeFile(temporary(paths.markdown), renderMarkdown(run, shown, omitted));
    await writeFile(temporary(paths.html), renderHtml(run, shown, omitted));
    for (const kind of order) await rename(temporary(paths[kind]), paths[kind]);
  } catch (error) {
    await Promise.all(order.map((kind) => rm(temporary(paths[kind]), { force: true })));
    throw error;
  }
  return paths;
}
