// The planner of a run (in the `plan-run` job, before any batch): picks the change-detection strategy
// by its estimated request count (src/model/plan.ts), reads the change feeds when it picks them —
// recording their hits on the local store in Redis — and sets the run's request budget, which the
// batches draw on. A feed that fails sends the run back to a sweep; a sweep marks where the feeds
// start next time.

import { budgetPerHour } from '../config.js';
import {
  chooseStrategy,
  DEFAULT_ROWS_PER_DAY,
  type PlanInputs,
  type StrategyChoice,
  sweepRequests,
  verificationFor,
} from '../model/plan.js';
import type { RunPlanRecord } from '../model/run.js';
import { runKeys } from '../redis-keys.js';
import { parseCursor } from '../sources/feed.js';
import { HttpError } from '../sources/http-errors.js';
import type { RemoteSources } from '../sources/index.js';
import { titlesPerRequest } from '../sync/budget.js';
import { keepSafePositions, restoreIndex } from './index-restore.js';
import type { BatchPlan, RunSpec } from './queues.js';
import type { Runtime } from './runtime.js';

export interface PlannedRun {
  readonly batch: BatchPlan;
  readonly record: RunPlanRecord;
}

/** Why a feed failed, without the request's URL (hundreds of characters; a log line or a plan reason). */
const describe = (error: unknown) =>
  error instanceof HttpError ? error.reason : error instanceof Error ? error.message : String(error);

/** An unreachable host is the run's summary to tell (once, with what to do), not a warning of the planner. */
const feedFailed = (runtime: Runtime, error: unknown) =>
  runtime.log[error instanceof HttpError && error.code === 'HTTP_UNREACHABLE' ? 'info' : 'warn'](
    { reason: describe(error) },
    'the change feed failed; sweeping instead',
  );

/** Reads every feed from where the last run left it; records the hits. Throws when a feed breaks. */
async function readFeeds(
  runtime: Runtime,
  sources: RemoteSources,
  wikis: readonly string[],
  cursors: Readonly<Record<string, string>>,
): Promise<NonNullable<RunPlanRecord['feeds']>> {
  const read: NonNullable<RunPlanRecord['feeds']> = {};
  const reached: Record<string, string> = {};
  const meta = await runtime.changes.meta();
  for (const wiki of wikis) {
    const start = cursors[wiki] as string;
    let [rows, hits] = [0, 0];
    let end = start;
    for await (const page of sources.feed(wiki).since(start)) {
      rows += page.rows.length;
      hits += await runtime.changes.recordHits(wiki, page.rows);
      if (page.cursor) end = page.cursor;
    }
    const [from, to] = [parseCursor(start)[0], parseCursor(end)[0]];
    read[wiki] = { rows, hits, from, to };
    reached[wiki] = end;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days >= 1 / 24) meta.rowsPerDay[wiki] = Math.round(rows / days);
  }
  // Only once every feed is read: a run that broke off reads them again from the same place.
  for (const [wiki, cursor] of Object.entries(reached)) await runtime.changes.setCursor(wiki, cursor);
  await runtime.changes.saveMeta(meta);
  return read;
}

/** Feeds start a little before a sweep's first check: the clocks of the wikis and ours may differ. */
export const CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * After a sweep, the feeds can take over from the time it started (by each wiki's clock: its newest
 * change then): every entity it checked, it checked after that. Languages first seen during a run get
 * the run's start by our clock, a margin earlier, when it finishes.
 */
export async function markFeedStart(
  runtime: Runtime,
  starts: Readonly<Record<string, number>>,
  { replace }: { replace: boolean },
): Promise<void> {
  const cursors = replace ? {} : await runtime.changes.cursors();
  for (const [wiki, at] of Object.entries(starts)) {
    if (cursors[wiki]) continue;
    await runtime.changes.setCursor(
      wiki,
      new Date(at - CLOCK_MARGIN_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
    );
  }
  // A run finishing (not replacing) with every hit dealt with: a re-read need not go back further.
  if (!replace) await keepSafePositions(runtime);
}

/** Each feed's newest change, by wiki (epoch ms): one request each. Throws when a feed breaks. */
async function feedHeads(sources: RemoteSources, wikis: readonly string[]): Promise<Record<string, number>> {
  const heads: Record<string, number> = {};
  for (const wiki of wikis) {
    const head = await sources.feed(wiki).head();
    if (head) heads[wiki] = Date.parse(head);
  }
  return heads;
}

/** `sources`: the plan job's own (runtime.sources.with(…)), so that its requests are counted for the run. */
export async function planRun(
  runtime: Runtime,
  sources: RemoteSources,
  spec: RunSpec,
  now = Date.now(),
): Promise<PlannedRun> {
  const { config, changes } = runtime;
  const perHour = budgetPerHour(config);
  const budget = { perHour, run: Math.max(1, Math.floor(perHour * config.sync.nightHours)) };
  const meta = await changes.meta();
  // A revision check asks for one batch's titles at a time.
  const perRequest = titlesPerRequest(config.sync.batchSize, sources.limits.titles);
  const sweep = sweepRequests({
    entities: meta.entities ?? 0,
    pages: meta.pages ?? 0,
    titlesPerRequest: perRequest,
  });

  // A refresh checks what it was asked for, at once: no feed, no budget of its own (the pacing holds).
  if (spec.scope?.length) {
    return {
      batch: { strategy: 'sweep' },
      record: {
        strategy: 'sweep',
        reason: 'a refresh checks the entities asked for',
        estimates: { sweep },
        budget,
      },
    };
  }

  // After a Redis flush: the index rebuilt and the feeds rewound (index-restore.ts).
  await restoreIndex(runtime);
  await keepSafePositions(runtime);
  const wikis = ['wikidata', ...(await changes.languages())];
  const cursors = await changes.cursors();
  let heads: Record<string, number> | undefined;
  let broken: string | undefined;
  try {
    heads = await feedHeads(sources, wikis);
  } catch (error) {
    feedFailed(runtime, error);
    broken = `the change feed failed (${describe(error)}); sweeping instead`;
  }
  const inputs: PlanInputs = {
    entities: meta.entities ?? 0,
    pages: meta.pages ?? 0,
    titlesPerRequest: perRequest,
    rowsPerRequest: sources.limits.rows,
    feeds: wikis.map((wiki) => ({
      wiki,
      rowsPerDay:
        meta.rowsPerDay[wiki] ??
        (wiki === 'wikidata' ? DEFAULT_ROWS_PER_DAY.wikidata : DEFAULT_ROWS_PER_DAY.wikipedia),
      ...(cursors[wiki] ? { cursor: cursors[wiki] } : {}),
      ...(heads?.[wiki] === undefined ? {} : { head: heads[wiki] }),
    })),
    verifyDays: config.sync.verifyDays,
    now,
  };
  let choice: StrategyChoice =
    meta.entities === undefined
      ? { strategy: 'sweep', reason: 'the first run: every entity is fetched', estimates: { sweep } }
      : spec.full
        ? { strategy: 'sweep', reason: 'a full run fetches every entity', estimates: { sweep } }
        : broken
          ? { strategy: 'sweep', reason: broken, estimates: { sweep } }
          : chooseStrategy(inputs, config.sync.strategy);
  const runNumber = await changes.nextRunNumber();
  const verification = verificationFor(runNumber, config.sync.verifyDays, now);

  let feeds: RunPlanRecord['feeds'];
  if (choice.strategy === 'feed') {
    try {
      feeds = await readFeeds(runtime, sources, wikis, cursors);
    } catch (error) {
      feedFailed(runtime, error);
      choice = {
        ...choice,
        strategy: 'sweep',
        reason: `the change feed failed (${describe(error)}); sweeping instead`,
      };
    }
  }
  if (choice.strategy === 'sweep')
    await markFeedStart(runtime, Object.fromEntries(wikis.map((wiki) => [wiki, heads?.[wiki] ?? now])), {
      replace: true,
    });

  const batch: BatchPlan = {
    strategy: choice.strategy,
    ...(choice.strategy === 'feed' ? { verification } : {}),
    quota: runKeys(runtime.settings.prefix, spec.runId).quota,
  };
  return {
    batch,
    record: {
      ...choice,
      budget,
      ...(feeds ? { feeds } : {}),
      ...(choice.strategy === 'feed'
        ? { verification: { days: verification.days, slice: verification.slice } }
        : {}),
    },
  };
}
