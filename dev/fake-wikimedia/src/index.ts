// The fake Wikimedia: a real HTTP server on loopback that answers every Wikidata and Wikipedia
// endpoint factsync uses, in the real response shapes (SPEC §9), from fixture files and generated
// entities, with knobs for latency and faults. Tests, the offline demo and the benchmark point
// WIKIDATA_URL and WIKIPEDIA_URL at it.
//
//   const fake = await startFakeWikimedia({ entities: 1000, faults: { maxlagRate: 0.05 } });
//   // WIKIDATA_URL=fake.wikidataUrl   (Action API at {url}/w/api.php)
//   // WIKIPEDIA_URL=fake.wikipediaUrl (…/wikipedia/{lang}, API at …/wikipedia/{lang}/w/api.php)
//   fake.store.bumpRevision('Q1000007'); fake.stats(); await fake.close();
//
// Served (GET, or POST with a form body): wbgetentities; action=query with prop=info|pageprops over
// titles (Wikidata items and Wikipedia pages), prop=revisions over revids (Wikidata: the edits made
// through the store, items' revisions from before them, captured histories), and list=recentchanges
// (Wikidata, and each Wikipedia language its own feed); and the EventStreams recentchange stream at
// GET /v2/stream/recentchange (event-stream.ts, stream-http.ts). Also GET /__stats, POST /__stats/reset and POST /__control/<action> (see
// control.ts); anything else 404.
// Ids: fixture items as captured; generated items Q1000000+i (i < entities) with their articles;
// the items they point at Q700000–Q720099 (vocabulary.ts); background edits in Wikidata's change feed
// touch Q900000000–Q989999999, in a Wikipedia's "Background article 1…9999999"
// (wikipedia-changes.ts), which are never served.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChangeFeed } from './changes.js';
import { StreamLog } from './event-stream.js';
import { type FaultSpec, parseFaultSpec, validateFaultSpec } from './faults.js';
import { type Fixtures, loadFixtures, NO_FIXTURES } from './fixtures.js';
import { MAX_GENERATED } from './generator.js';
import { ItemStore } from './items.js';
import { PageStore } from './pages.js';
import { FakeServer } from './server.js';
import { type RequestRecord, type Stats, StatsRecorder } from './stats.js';
import { FakeStore } from './store.js';
import { DEFAULT_WIKIPEDIA_CHANGES_PER_DAY, WikipediaFeeds } from './wikipedia-changes.js';

export { BACKGROUND_BASE } from './changes.js';
export {
  describeFaultSpec,
  type FaultKind,
  type FaultSpec,
  FaultSpecError,
  parseFaultSpec,
} from './faults.js';
export {
  GENERATED_BASE,
  generatedEntity,
  generatedId,
  generatedLabel,
  generatedTitle,
  MAX_GENERATED,
} from './generator.js';
export {
  DEFAULT_DIFFERENCE_SHARE,
  type GeneratedRecord,
  generatedDifference,
  generatedRecord,
  type RecordDifference,
} from './records.js';
export type { RequestRecord, Stats } from './stats.js';
export type { FakeStore } from './store.js';
export {
  DEFAULT_WIKIPEDIA_CHANGES_PER_DAY,
  WIKIPEDIA_BACKGROUND_PAGEID,
  WIKIPEDIA_BACKGROUND_SPAN,
} from './wikipedia-changes.js';

export interface FakeWikimediaOptions {
  /** Address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Fixture folder; by default <project>/test/fixtures/wikimedia when it exists; null for none. */
  readonly fixturesDir?: string | null;
  /** Generated items Q1000000 … Q1000000+entities-1; 0 by default. */
  readonly entities?: number;
  /** Added before every API answer, in milliseconds. */
  readonly latencyMs?: number;
  /** Fault rates, as an object or in the `--faults` text form. */
  readonly faults?: FaultSpec | string;
  /** Seeds generated data and fault draws; 42 by default. Same seed, same world, same faults. */
  readonly seed?: number;
  /** Background edits in the change feed per day when entities are generated; 600000 by default. */
  readonly recentChangesPerDay?: number;
  /**
   * Background edits per day in each Wikipedia language's change feed when entities are generated;
   * 100000 by default.
   */
  readonly wikipediaChangesPerDay?: number;
  /** The fake world's clock, in epoch milliseconds (Date.now by default). */
  readonly clock?: () => number;
  /** How many requests the request log keeps; 1000 by default. */
  readonly requestLogSize?: number;
}

/** What the fixture folder contributed. */
export interface FixtureSummary {
  readonly dir?: string;
  readonly files: readonly string[];
  readonly skipped: Fixtures['skipped'];
  readonly items: number;
  readonly redirects: number;
  readonly missing: number;
  readonly pages: number;
}

export interface FakeWikimedia {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The value for WIKIDATA_URL (the Action API is at `{wikidataUrl}/w/api.php`). */
  readonly wikidataUrl: string;
  /** The EventStreams recentchange stream, `{url}/v2/stream/recentchange`. */
  readonly streamUrl: string;
  /** The value for WIKIPEDIA_URL, with the literal `{lang}` in it. */
  readonly wikipediaUrl: string;
  /** The mutation API (and read access) over the fake's data. */
  readonly store: FakeStore;
  /** The fixture files used, and those skipped with the reason. */
  readonly fixtures: FixtureSummary;
  readonly entities: number;
  readonly seed: number;
  stats(): Stats;
  /** The last requests (1000 by default), oldest first. */
  requests(): RequestRecord[];
  resetStats(): void;
  setFaults(faults: FaultSpec | string): void;
  /** Moves the fake's clock forward by `ms`; returns the new time (epoch ms). */
  advanceClock(ms: number): number;
  faults(): FaultSpec;
  close(): Promise<void>;
}

/**
 * <project root>/test/fixtures/wikimedia (also the product's parser tests' fixtures, so they stay in
 * test/): this file is 3 levels below the root in dev/fake-wikimedia/src/ and dev/fake-wikimedia/dist/.
 */
export function defaultFixturesDir(): string | undefined {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const dir = path.join(root, 'test', 'fixtures', 'wikimedia');
  return existsSync(dir) ? dir : undefined;
}

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${value}`);
  return value;
}

const toSpec = (faults: FaultSpec | string | undefined): FaultSpec =>
  typeof faults === 'string' ? parseFaultSpec(faults) : validateFaultSpec(faults ?? {});

export async function startFakeWikimedia(options: FakeWikimediaOptions = {}): Promise<FakeWikimedia> {
  const seed = options.seed ?? 42;
  const entities = checkCount('entities', options.entities ?? 0, MAX_GENERATED);
  const latencyMs = checkCount('latencyMs', options.latencyMs ?? 0, 600_000);
  const perDay = checkCount('recentChangesPerDay', options.recentChangesPerDay ?? 600_000, 100_000_000);
  const wikipediaPerDay = checkCount(
    'wikipediaChangesPerDay',
    options.wikipediaChangesPerDay ?? DEFAULT_WIKIPEDIA_CHANGES_PER_DAY,
    100_000_000,
  );
  const port = checkCount('port', options.port ?? 0, 65_535);
  const faults = toSpec(options.faults);
  const baseClock = options.clock ?? Date.now;
  // advanceClock moves the fake's world forward (a night later, for the benchmark).
  let offsetMs = 0;
  const clock = () => baseClock() + offsetMs;
  const advanceClock = (ms: number) => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a number ≥ 0, got ${ms}`);
    offsetMs += ms;
    return clock();
  };
  const dir = options.fixturesDir === null ? undefined : (options.fixturesDir ?? defaultFixturesDir());
  const fixtures = dir ? loadFixtures(dir) : NO_FIXTURES;

  const feed = new ChangeFeed({ seed, perDay: entities > 0 ? perDay : 0 });
  for (const change of fixtures.changes) feed.insert(change);
  const wikipediaFeeds = new WikipediaFeeds(seed, entities > 0 ? wikipediaPerDay : 0);
  const stream = new StreamLog(feed, wikipediaFeeds, clock);
  const store = new FakeStore({
    seed,
    count: entities,
    items: new ItemStore(seed, entities, fixtures.wikidata),
    pages: new PageStore(seed, entities, fixtures.wikis),
    feed,
    wikipediaFeeds,
    clock,
  });
  const stats = new StatsRecorder(options.requestLogSize ?? 1000);
  const host = options.host ?? '127.0.0.1';
  const server = new FakeServer({
    host,
    port,
    latencyMs,
    faults,
    seed,
    store,
    stats,
    stream,
    clock,
    advanceClock,
  });
  const address = await server.listen();
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${address.port}`;

  return {
    url,
    wikidataUrl: url,
    wikipediaUrl: `${url}/wikipedia/{lang}`,
    streamUrl: `${url}/v2/stream/recentchange`,
    store,
    fixtures: {
      ...(dir ? { dir } : {}),
      files: fixtures.files,
      skipped: fixtures.skipped,
      items: fixtures.wikidata.entities.size,
      redirects: fixtures.wikidata.redirects.size,
      missing: fixtures.wikidata.missing.size,
      pages: [...fixtures.wikis.values()].reduce((n, wiki) => n + wiki.pages.size + wiki.redirects.size, 0),
    },
    entities,
    seed,
    stats: () => stats.snapshot(),
    requests: () => stats.requests(),
    resetStats: () => stats.reset(),
    setFaults: (next) => server.setFaults(toSpec(next)),
    advanceClock,
    faults: () => server.currentFaults,
    close: () => server.close(),
  };
}
