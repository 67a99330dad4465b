// `factsync sync [KEY|QID…]` (one run now, waiting for it) and `factsync refresh KEY|QID… [--wait]`
// (a manual refresh ahead of nightly work).

import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { RunProgress } from '../jobs/progress.js';
import { requestRefresh } from '../jobs/refresh.js';
import { liveWorkers, type SyncResult, syncNow, waitForRun } from '../jobs/sync.js';
import { unknownKeys } from '../local/read/find-record.js';
import { openLocalSource } from '../local/read/index.js';
import { LocalKeyIndex } from '../local/read/key-index.js';
import type { RunRecord } from '../model/run.js';
import { heldNote, notComparedNote, stoppedNote } from '../sinks/report/outcome.js';
import { waitingNote } from '../sinks/report/waiting.js';
import { configOf } from './context.js';
import { UsageError } from './errors.js';
import { isTerminal, printLines, warnLines, writeErr } from './output.js';
import { proposalLine } from './proposals.js';
import { withRuntimeFor } from './runtime-context.js';

/** A progress bar on a terminal; plain lines (at most every 5 s) otherwise. */
function progressReporter(): { update(progress: RunProgress): void; stop(): void } {
  if (isTerminal() || process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'syncing [{bar}] {value}/{total} batches · {entities} entities{planning}',
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update(p) {
        const payload = { entities: p.entities, planning: p.planned ? '' : ' · planning…' };
        if (!started) {
          bar.start(Math.max(p.batches, 1), p.done, payload);
          started = true;
        }
        bar.setTotal(Math.max(p.batches, p.done, 1));
        bar.update(p.done, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (Date.now() - last < 5_000) return;
      last = Date.now();
      writeErr(`progress: ${p.done}/${p.batches}${p.planned ? '' : '+'} batches, ${p.entities} entities\n`);
    },
    stop: () => undefined,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** Exit code 1 when the run failed or was partial: some entity could not be compared. */
export function exitCodeOf(run: Pick<RunRecord, 'status'>): number {
  return run.status === 'failed' || run.status === 'partial' ? 1 : 0;
}

/** Why the run stopped and what to do, as one message for stderr (undefined when it did not stop). */
export function stopMessage(run: Pick<RunRecord, 'unreachable'>): string | undefined {
  const note = stoppedNote(run);
  return note ? `factsync: ${note}` : undefined;
}

/** A run's summary, a line an entry (printLines shows them safe: failure reasons are upstream text). */
export function summary(run: RunRecord, reports: SyncResult['reports']): string[] {
  const c = run.counts;
  const p = run.proposals;
  const kinds = Object.entries(p.byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const requests = Object.entries(run.requests)
    .map(([endpoint, r]) => `${endpoint} ${r.requests} (${kb(r.bytes)})`)
    .join(', ');
  const readFailures = run.failures.filter((f) => f.code === 'READ_ERROR');
  const lines = [
    `run ${run.id} (${run.trigger}) ${run.status} in ${((Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`,
    `entities: ${c.seen} seen, ${c.fetched} fetched, ${c.unchanged} unchanged (skipped), ${c.failed} failed, ${c.unreadable} unreadable`,
    `proposals: ${p.created} new, ${p.seen} still open, ${p.resolved} resolved, ${p.superseded} superseded${kinds ? ` — findings: ${kinds}` : ''}`,
    `requests: ${requests || 'none'}`,
    // Entities that could not be compared: a count and the first reason, never a line each (the
    // reports list them all, with their URLs). Unreadable local records: a line each, up to 10.
    ...(heldNote(run) ? [`  ${heldNote(run)}`] : []),
    ...(waitingNote(run) ? [`  ${waitingNote(run)}`] : []),
    ...(notComparedNote(run) ? [`  ${notComparedNote(run)}`] : []),
    ...readFailures
      .slice(0, 10)
      .map(
        (f) =>
          `  failed: ${f.file ? `${path.relative(process.cwd(), f.file)}${f.line ? `:${f.line}` : ''}` : ''} ${f.reason}`,
      ),
    ...(readFailures.length > 10
      ? [`  …and ${readFailures.length - 10} more unreadable records in the report`]
      : []),
    ...((run.warnings ?? []).length > 0
      ? [
          `  warnings: ${(run.warnings ?? []).length} (first: ${run.warnings?.[0]?.entity ?? ''} ${run.warnings?.[0]?.reason ?? ''})`,
        ]
      : []),
    `report: ${path.relative(process.cwd(), reports.html) || reports.html} (also .md and .json)`,
  ];
  return lines;
}

/**
 * Refuses (exit 2, before anything is claimed or queued) entity keys or QIDs that name no record of the
 * local store: a run for them would find nothing to compare and say nothing about why. Before Redis is
 * touched, so a mistyped key costs nothing.
 */
async function refuseUnknownKeys(command: string, config: Config, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const local = await openLocalSource(config);
  const unknown = await unknownKeys(keys, local, new LocalKeyIndex(local), config);
  if (unknown.length === 0) return;
  const reasons = unknown.map(({ key, reason }) =>
    reason.includes(`"${key}"`) ? reason : `"${key}": ${reason}`,
  );
  throw new UsageError(
    `${command}: ${reasons.join('; ')} — name a record by its key or QID (\`factsync entities\` lists them); nothing was queued`,
  );
}

/** Waits for a run (`syncNow`, `waitForRun`), showing its progress on stderr meanwhile. */
async function withProgress(
  wait: (onProgress: (progress: RunProgress) => void) => Promise<SyncResult>,
): Promise<SyncResult> {
  const reporter = progressReporter();
  try {
    return await wait((p) => reporter.update(p));
  } finally {
    reporter.stop();
  }
}

export function registerSync(program: Command): void {
  program
    .command('sync [keys...]')
    .description(
      'one run now, over the whole local store or the entities given (keys or QIDs), waiting for it',
    )
    .option('--full', 'fetch every entity in full, whatever the revision checks say')
    .action(async (keys: string[], options: { full?: boolean }, command: Command) => {
      const config = configOf(command);
      await refuseUnknownKeys('sync', config, keys);
      await withRuntimeFor(config, { embedded: true, longRunning: false }, async (runtime) => {
        const full = options.full === true;
        const result = await withProgress((onProgress) =>
          syncNow(runtime, { trigger: 'one-off', scope: keys, full, onProgress }),
        );
        await printLines(...summary(result.run, result.reports));
        const stopped = stopMessage(result.run);
        if (stopped) warnLines(stopped);
        process.exitCode = exitCodeOf(result.run);
      });
    });

  program
    .command('refresh <keys...>')
    .description(
      'refresh entities (keys or QIDs) now, ahead of nightly work; an entity already waiting is not queued twice',
    )
    .option('--wait', 'wait for the result and print the proposals (runs its own workers if none is running)')
    .action(async (keys: string[], options: { wait?: boolean }, command: Command) => {
      if (keys.length === 0) throw new UsageError('refresh: name at least one entity key or QID');
      const config = configOf(command);
      await refuseUnknownKeys('refresh', config, keys);
      const embedded = options.wait === true;
      await withRuntimeFor(config, { embedded, longRunning: false }, async (runtime) => {
        const request = await requestRefresh(runtime, keys);
        for (const [key, run] of request.pending)
          warnLines(`${key}: a refresh is already waiting (${run}); not queued again`);
        const { started } = request;
        if (!started) return;
        if (!options.wait) {
          await printLines(`queued run ${started.runId} for ${request.queued.join(', ')}`);
          if ((await liveWorkers(runtime)) === 0)
            writeErr('no worker is running: start one with `factsync worker`, or use --wait\n');
          return;
        }
        const result = await withProgress((onProgress) => waitForRun(runtime, started, { onProgress }));
        for (const key of request.queued) {
          const { proposals } = await runtime.store.list(
            { entity: key, status: ['open', 'decided'] },
            { limit: 100 },
          );
          if (proposals.length === 0) await printLines(`${key}: no open proposals`);
          for (const proposal of proposals) await printLines(proposalLine(proposal));
        }
        await printLines(...summary(result.run, result.reports));
        const stopped = stopMessage(result.run);
        if (stopped) warnLines(stopped);
        process.exitCode = exitCodeOf(result.run);
      });
    });
}
