// The planner of a run (in the `plan-run` job, before any batch): picks the change-detection strategy
// by its estimated request count (src/model/plan.ts), reads the change feeds when it picks them —
// recording their hits on the local store in Redis — and sets the run's request budget, which the
// batches draw on. A feed that fails sends the run back to a sweep; a sweep marks where the feeds
// start next time. What `factsync watch` covered of a feed (its hits are in the index already) is not
// polled again: only the gaps around the stream's span are (pollSpans).

import { budgetPerHour } from '../config.js';
import {
  chooseStrategy,
  DEFAULT_ROWS_PER_DAY,
  type PlanInputs,
  type PollSpan,
  type StrategyChoice,
  sweepRequests,
  verificationFor,
} from '../model/plan.js';
import type { RunPlanRecord } from '../model/run.js';
import { runKeys } from '../redis-keys.js';
import { formatCursor, parseCursor } from '../sources/feed.js';
import { HttpError } from '../sources/http-errors.js';
import type { RemoteSources } from '../sources/index.js';
import { titlesPerRequest } from '../sync/budget.js';
import type { StreamSpan } from './change-index.js';
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

/** The stream's events can reach it a little late: the polled feed takes over a minute before its end. */
export const STREAM_MARGIN_MS = 60_000;

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * What of a feed the planner reads, from its cursor, given the span the change stream covered: only
 * what the stream did not cover — the gap before its span (a watcher that started late, or started
 * again after a break), and what came after it — each a margin wider. No span: the whole feed.
 */
export function pollSpans(cursor: string, covered: StreamSpan | undefined): PollSpan[] {
  const at = Date.parse(parseCursor(cursor)[0]);
  if (!covered || Number.isNaN(at) || covered.to - STREAM_MARGIN_MS <= at) return [{ start: cursor }];
  const after = formatCursor(isoSecond(covered.to - STREAM_MARGIN_MS));
  if (covered.from <= at) return [{ start: after }];
  const gapEnd = covered.from + STREAM_MARGIN_MS;
  return gapEnd >= covered.to - STREAM_MARGIN_MS
    ? [{ start: cursor }]
    : [{ start: cursor, until: gapEnd }, { start: after }];
}

/** What the stream covered of each feed, and so the spans polling reads of it: the estimate's and readFeeds'. */
interface Polling {
  readonly coverage: Readonly<Record<string, StreamSpan>>;
  readonly spans: Readonly<Record<string, readonly PollSpan[]>>;
}

/**
 * Reads every feed's spans (from where the last run left it, but for what the stream covered), the
 * spans the estimate counted; records the hits. Throws when a feed breaks.
 */
async function readFeeds(
  runtime: Runtime,
  sources: RemoteSources,
  wikis: readonly string[],
  cursors: Readonly<Record<string, string>>,
  { coverage, spans: polled }: Polling,
): Promise<NonNullable<RunPlanRecord['feeds']>> {
  const read: NonNullable<RunPlanRecord['feeds']> = {};
  const reached: Record<string, string> = {};
  const meta = await runtime.changes.meta();
  for (const wiki of wikis) {
    const start = cursors[wiki] as string;
    const spans = polled[wiki] ?? [{ start }];
    let [rows, hits] = [0, 0];
    let end = start;
    for (const span of spans) {
      const until = span.until === undefined ? undefined : isoSecond(span.until);
      for await (const page of sources.feed(wiki).since(span.start)) {
        const kept = until === undefined ? page.rows : page.rows.filter((row) => row.timestamp <= until);
        rows += kept.length;
        hits += await runtime.changes.recordHits(wiki, kept);
        if (until !== undefined && kept.length < page.rows.length) break;
        if (page.cursor && until === undefined) end = page.cursor;
      }
    }
    const [from, to] = [parseCursor(start)[0], parseCursor(end)[0]];
    read[wiki] = { rows, hits, from, to };
    reached[wiki] = end;
    if (spans.length > 1 || spans[0]?.start !== start)
      runtime.log.info(
        { wiki, covered: coverage[wiki], polled: spans },
        'the change stream covered part of the feed',
      );
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    // Rows a day are only measured over a feed read whole.
    if (days >= 1 / 24 && spans.length === 1 && spans[0]?.start === start)
      meta.rowsPerDay[wiki] = Math.round(rows / days);
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
  const coverage = await changes.streamCoverage();
  // What the stream covered is not read again: the estimate counts the spans polling will read, no more.
  const spans = Object.fromEntries(
    Object.entries(cursors).map(([wiki, cursor]) => [wiki, pollSpans(cursor, coverage[wiki])]),
  );
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
      ...(cursors[wiki] ? { cursor: cursors[wiki], spans: spans[wiki] } : {}),
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
      feeds = await readFeeds(runtime, sources, wikis, cursors, { coverage, spans });
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
