// The floor under a first night's CPU per entity: how much of it the size of wbgetentities' answers
// alone takes. The fake Wikimedia runs in this process only to serve a first night's answers, as the
// workers ask for them (WikidataSource builds the URLs: the configured props, languages and sitefilter,
// 50 ids a request) and as it serves them (gzipped); then it is closed and each step is timed alone
// over the captured answers, with this process's CPU time (process.cpuUsage: user + system, GC included):
//
//   gunzip            zlib.gunzipSync of each body: the least decompressing can cost
//   gunzip, streamed  readBoundedBody (src/sources/http-body.ts) over the same bytes: what the worker runs
//   utf-8             Buffer#toString('utf8') of the decompressed body
//   JSON.parse        of that text
//   validate          entitiesEnvelopeProblem + entityProblem for every asked id (wikidata-validate.ts)
//   validate + parse  parseEntities: validation and reading into facts (wikidata-parse.ts, -statements.ts)
//   diff              diffRecord of each record against its item, the labels it refers to and its page
//
// Not a test. Each step runs --rounds times over every answer; the table gives the median round.
//
// Usage: node --import tsx bench/parse-floor.ts [--entities N] [--rounds N] [--seed N]
// (npm run bench:parse-floor).

import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { generatedRecord, startFakeWikimedia } from '../dev/fake-wikimedia/src/index.js';
import { loadConfig } from '../src/config.js';
import { type DiffContext, diffRecord, referencedItems } from '../src/diff/index.js';
import { fetchPages } from '../src/jobs/fetch-pages.js';
import { parseJsonlRecord } from '../src/local/read/jsonl-record.js';
import type { ItemId } from '../src/model/ids.js';
import { languageItems } from '../src/model/languages.js';
import type { LocalRecord } from '../src/model/record.js';
import type { ItemLabels, WikipediaPage } from '../src/model/remote.js';
import type { GetJsonOptions, JsonClient } from '../src/sources/http.js';
import { readBoundedBody } from '../src/sources/http-body.js';
import { WikidataSource } from '../src/sources/wikidata.js';
import { parseEntities } from '../src/sources/wikidata-parse.js';
import { entitiesEnvelopeProblem, entityProblem } from '../src/sources/wikidata-validate.js';
import { WikipediaSource } from '../src/sources/wikipedia.js';
import { pageKey } from '../src/sync/triage.js';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
  },
});
const entities = Number(values.entities);
const rounds = Number(values.rounds);
const seed = Number(values.seed);

/** One answer as it came off the wire, with what it answered. */
interface Captured {
  readonly endpoint: string;
  readonly ids: ItemId[];
  readonly gzipped: Buffer;
}

/** A JsonClient that asks the fake as the worker's client does (gzip accepted) and keeps the bytes. */
class CapturingClient implements JsonClient {
  readonly answers: Captured[] = [];
  async getJson<T>(url: URL, endpoint: string, options?: GetJsonOptions): Promise<T> {
    const response = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    const gzipped = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode !== 200 || response.headers['content-encoding'] !== 'gzip')
      throw new Error(`${endpoint}: HTTP ${response.statusCode}, ${response.headers['content-encoding']}`);
    const ids = (url.searchParams.get('ids') ?? '').split('|').filter(Boolean) as ItemId[];
    this.answers.push({ endpoint, ids, gzipped });
    const body: unknown = JSON.parse(gunzipSync(gzipped).toString('utf8'));
    const problem = options?.check?.(body);
    if (problem) throw new Error(`${endpoint}: ${problem}`);
    return body as T;
  }
}

/** What the diff of one batch needs, fetched once. */
interface Batch {
  readonly records: LocalRecord[];
  readonly labels: ReadonlyMap<ItemId, ItemLabels>;
  readonly pages: ReadonlyMap<string, WikipediaPage>;
}

const fake = await startFakeWikimedia({ entities, seed });
const config = loadConfig({
  env: {},
  overrides: { 'wikidata.url': fake.wikidataUrl, 'wikipedia.url': fake.wikipediaUrl },
});
const client = new CapturingClient();
const wikidata = new WikidataSource({
  http: client,
  url: config.wikidata.url,
  languages: config.languages,
  fields: config.fields,
});
const wikipedia = new WikipediaSource({ http: client, url: config.wikipedia.url });
const properties = new Set(
  config.fields.flatMap((f) => (f.source === 'statement' && f.property ? [f.property] : [])),
);

// Capture: a first night's requests, batch by batch as syncEntities makes them.
const batches: Batch[] = [];
for (let start = 0; start < entities; start += 50) {
  const records: LocalRecord[] = [];
  for (let index = start; index < Math.min(start + 50, entities); index++) {
    const line = JSON.stringify(generatedRecord(seed, index, { count: entities }));
    const read = parseJsonlRecord(line, 'records.jsonl', index + 1, config.fields);
    if (read.ok) records.push(read.record);
  }
  const sites = [
    ...new Set([
      ...records.flatMap((r) => (r.wikipedia ? [`${r.wikipedia.lang}wiki`] : [])),
      `${config.languages[0] ?? 'en'}wiki`,
    ]),
  ];
  const items = await wikidata.fetchItems(
    records.map((r) => r.qid),
    sites,
  );
  const { pages } = await fetchPages(records, wikipedia);
  const wanted = new Set<ItemId>();
  for (const record of records) {
    const key = pageKey(record);
    const page = key ? pages.get(key) : undefined;
    for (const id of referencedItems(
      record,
      items.found.get(record.qid),
      config.fields,
      page,
      config.compare.qualifiers,
    ).slice(0, config.wikidata.maxReferencedItems))
      wanted.add(id);
  }
  const labels = await wikidata.labels([...wanted]);
  batches.push({ records, labels: labels.found, pages });
}
await fake.close();

const itemAnswers = client.answers.filter((a) => a.endpoint === 'wbgetentities');
const asked = itemAnswers.reduce((n, a) => n + a.ids.length, 0);

const noAbort = new AbortController().signal;
const STEPS = [
  'gunzip (zlib.gunzipSync)',
  'gunzip, streamed (readBoundedBody, as the worker reads)',
  'utf-8 decode (Buffer#toString)',
  'JSON.parse',
  'validate (envelope + entityProblem)',
  'validate + parse into facts (parseEntities)',
  'diff (diffRecord)',
] as const;
type Step = (typeof STEPS)[number];

/**
 * CPU µs `work` took (user + system, this process: the collector's helper threads too). A step's figure
 * holds whatever collecting falls in it, some of it the garbage of the step before; forcing a collection
 * before each step (--expose-gc) was worse: its concurrent sweeping ran on into the timed step, and
 * doubled the small steps' figures.
 */
async function cpu<T>(work: () => T | Promise<T>): Promise<{ value: T; us: number }> {
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  return { value, us: used.user + used.system };
}

const ctx: DiffContext = {
  fields: config.fields,
  languages: config.languages,
  qualifiers: config.compare.qualifiers,
  languageItems: languageItems(config.languages, config.compare.languageItems),
  retrievedAt: new Date().toISOString(),
  links: {
    item: (id, statement) => wikidata.itemUrl(id, statement),
    page: (lang, title) => wikipedia.pageUrl(lang, title),
  },
};

/**
 * One round: each answer taken through every step in turn, each step timed alone. Only one answer's
 * text and parsed body are alive at a time (a worker holds a few), so the collector sees what it does
 * in a worker, not a heap of every answer.
 */
async function round(): Promise<{ us: Map<Step, number>; findings: number; jsonBytes: number }> {
  const us = new Map<Step, number>(STEPS.map((step) => [step, 0]));
  const add = (step: Step, spent: number) => us.set(step, (us.get(step) ?? 0) + spent);
  let findings = 0;
  let jsonBytes = 0;
  for (const [index, answer] of itemAnswers.entries()) {
    const gunzipped = await cpu(() => gunzipSync(answer.gzipped));
    add('gunzip (zlib.gunzipSync)', gunzipped.us);
    const streamed = await cpu(() =>
      readBoundedBody(Readable.from([answer.gzipped]), {
        contentEncoding: 'gzip',
        contentLength: String(answer.gzipped.length),
        maxBytes: config.http.maxBodyBytes,
        signal: noAbort,
        onWireBytes: () => {},
      }),
    );
    add('gunzip, streamed (readBoundedBody, as the worker reads)', streamed.us);
    jsonBytes += streamed.value.length;
    const text = await cpu(() => streamed.value.toString('utf8'));
    add('utf-8 decode (Buffer#toString)', text.us);
    const body = await cpu(() => JSON.parse(text.value) as { entities: Record<string, unknown> });
    add('JSON.parse', body.us);
    const checked = await cpu(() => {
      entitiesEnvelopeProblem(body.value);
      for (const id of answer.ids) entityProblem(id, body.value.entities[id], properties, true);
    });
    add('validate (envelope + entityProblem)', checked.us);
    const items = await cpu(() => parseEntities(body.value, answer.ids, { properties, withInfo: true }));
    add('validate + parse into facts (parseEntities)', items.us);
    const batch = batches[index];
    if (!batch) continue;
    const diffed = await cpu(() => {
      let found = 0;
      for (const record of batch.records) {
        const item = items.value.get(record.qid);
        if (!item || item.kind === 'unreadable') continue;
        const key = pageKey(record);
        const page = key ? batch.pages.get(key) : undefined;
        found += diffRecord(record, { item, labels: batch.labels, ...(page ? { page } : {}) }, ctx).findings
          .length;
      }
      return found;
    });
    add('diff (diffRecord)', diffed.us);
    findings += diffed.value;
  }
  return { us, findings, jsonBytes };
}

const results: Array<Awaited<ReturnType<typeof round>>> = [];
for (let n = 0; n < rounds; n++) results.push(await round());
/** The median round of a step, per entity. */
const median = (step: Step) => {
  const figures = results.map((r) => (r.us.get(step) ?? 0) / asked).sort((a, b) => a - b);
  return figures[Math.floor(figures.length / 2)] ?? Number.NaN;
};
const rows = STEPS.map((step) => [step, median(step)] as const);
const gzippedBytes = itemAnswers.reduce((n, a) => n + a.gzipped.length, 0);
const { findings, jsonBytes } = results[0] ?? { findings: 0, jsonBytes: 0 };
const floor = median(STEPS[0]) + median(STEPS[2]) + median(STEPS[3]);
console.log(
  `Node ${process.version}; ${asked} entities in ${itemAnswers.length} wbgetentities answers (seed ${seed}), median of ${rounds} rounds`,
);
console.log(
  `answers: ${(gzippedBytes / asked / 1024).toFixed(1)} KiB gzipped, ${(jsonBytes / asked / 1024).toFixed(1)} KiB of JSON an entity; ${findings} findings a round`,
);
console.log('');
console.log('| step | CPU µs per entity |');
console.log('| --- | ---: |');
for (const [step, us] of rows) console.log(`| ${step} | ${us.toFixed(0)} |`);
// What a worker runs of these, in its order: the streamed gunzip (not gunzipSync), and validation
// inside parseEntities. The collection of one answer's parsed body falls in whichever step next
// allocates (the streamed gunzip of the next answer, mostly): it is in this sum, not in the floor.
const worker = [STEPS[1], STEPS[2], STEPS[3], STEPS[5], STEPS[6]].reduce((n, step) => n + median(step), 0);
console.log(
  `| as a worker runs them: streamed gunzip + utf-8 + JSON.parse + parseEntities + diff | ${worker.toFixed(0)} |`,
);
console.log(
  `| **floor: gunzip + utf-8 + JSON.parse** | **${floor.toFixed(0)}** (${((floor / 500) * 100).toFixed(0)}% of the 0.5 ms target) |`,
);
