// Upstream fuzz: 300 generated entities through a proxy (fuzz-proxy.ts) that answers for a seeded tenth
// of them malformed but plausibly: items dropped, under another id or with a bogus redirect, labels
// that are objects or hold U+0000, impossible times, values of the wrong type, no revision, pages gone
// or mistyped, envelopes without their map, a redirect, a body cut in half, a gzip bomb, a body
// dripping past http.timeoutMs. After each fuzzed run over the store a reviewer worked in: no decided
// proposal changed, no proposal appeared that a clean run would not make, every entity whose answer
// was spoiled (as the proxy saw it) is reported failed and no other is, and every other entity's
// proposals are exactly as the reviewer left them. Twice, with other victims, over the same store.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncNow } from '../../src/jobs/sync.js';
import { isRunStatus } from '../../src/model/lifecycle.js';
import { canonicalJson } from '../../src/model/proposal.js';
import type { RunFailure } from '../../src/model/run.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import type { TestInstall } from '../support/install.js';
import { waitFor } from '../support/wait.js';
import {
  type Candidate,
  ENTITY_KINDS,
  type FuzzPlan,
  type MutationKind,
  PAGE_KINDS,
  pickVictims,
  REQUEST_KINDS,
} from './fuzz-mutators.js';
import { FuzzProxy } from './fuzz-proxy.js';
import { install, recordFigures, seconds, timeFile } from './helpers.js';

timeFile('upstream-fuzz');

const ENTITIES = 300;
/** The victims' draws (the fake's world is seed 7, see helpers.ts). */
const SEEDS = [20240611, 4099] as const;
const MAX_BODY_BYTES = 16 * 2 ** 20;
/** A whole-request mutation hits one batch of 10; each batch is tried 2 × (1 + 1 retry) times. */
const CONFIG = {
  http: { timeoutMs: 3000, retries: 1, maxBodyBytes: MAX_BODY_BYTES },
  worker: { attempts: 2, concurrency: 4 },
  sync: { batchSize: 10 },
};
const ALL_KINDS: readonly MutationKind[] = [...ENTITY_KINDS, ...PAGE_KINDS, ...REQUEST_KINDS];

/** The code the run's report gives an entity spoiled this way. */
function expectedCode(kind: MutationKind): string {
  if (kind === 'batchcomplete' || kind === 'entitiesNull' || kind === 'truncated') return 'HTTP_BAD_BODY';
  if (kind === 'redirect302') return 'HTTP_STATUS';
  if (kind === 'huge') return 'HTTP_TOO_LARGE';
  if (kind === 'drip') return 'HTTP_TIMEOUT';
  return 'UPSTREAM_INVALID';
}

/** A proposal as the reviewer and the runs leave it: id, entity, field, kind, status, values, note. */
interface Held {
  readonly entity: string;
  readonly status: string;
  readonly note: string;
  readonly line: string;
}

async function snapshot(store: ProposalStore): Promise<Map<string, Held>> {
  const held = new Map<string, Held>();
  for await (const p of store.stream({})) {
    const note = p.note ?? '';
    const values = `${canonicalJson(p.local)} | ${canonicalJson(p.remote)}`;
    const line = [p.id, p.entity, p.qid, p.field, p.kind, p.status, values, note].join(' | ');
    held.set(p.id, { entity: p.entity, status: p.status, note, line });
  }
  return held;
}

const linesOf = (held: ReadonlyMap<string, Held>, entity: string) =>
  [...held.values()]
    .filter((h) => h.entity === entity)
    .map((h) => h.line)
    .sort();

let proxy: FuzzProxy;
let inst: TestInstall;
let candidates: Candidate[];
/** Record keys by QID and by "lang:title". */
const byId = new Map<string, string[]>();
let cleanIds: ReadonlySet<string>;
let reviewed: Map<string, Held>;
let firstPlan: FuzzPlan;
const figures: Record<string, unknown> & { runs: unknown[] } = {
  entities: ENTITIES,
  seeds: SEEDS,
  config: CONFIG,
  runs: [],
};

/** The record keys a plan spoils, counting a whole-request victim's request as the clean run grouped it. */
function plannedEntities(plan: FuzzPlan): Set<string> {
  const { groups } = proxy.features;
  const qids = [...plan.items].flatMap(([qid, kind]) =>
    (REQUEST_KINDS as readonly string[]).includes(kind)
      ? [...groups].filter(([, g]) => g === groups.get(qid)).map(([id]) => id)
      : [qid],
  );
  return new Set([...qids, ...plan.pages.keys()].flatMap((id) => byId.get(id) ?? []));
}

beforeAll(async () => {
  // The proxy first: its address goes into the installation's config; then it is pointed at the fake.
  proxy = await FuzzProxy.start({ maxBodyBytes: MAX_BODY_BYTES });
  inst = await install('fuzz', {
    entities: ENTITIES,
    file: CONFIG,
    env: { WIKIDATA_URL: proxy.url, WIKIPEDIA_URL: `${proxy.url}/wikipedia/{lang}` },
  });
  const properties = new Set(inst.config.fields.flatMap((f) => (f.property ? [f.property] : [])));
  proxy.connect(new URL(inst.fake.wikidataUrl).origin, properties);
  candidates = inst.records.map((r) => ({
    qid: r.qid,
    ...(r.wikipedia ? { page: `${r.wikipedia.lang}:${r.wikipedia.title}` } : {}),
  }));
  for (const [index, c] of candidates.entries())
    for (const id of [c.qid, ...(c.page ? [c.page] : [])])
      byId.set(id, [...(byId.get(id) ?? []), inst.records[index]?.key ?? '?']);

  // Run 1, clean: the proxy passes everything and learns what each item and page can take.
  proxy.fuzz(undefined);
  const started = Date.now();
  const { run } = await syncNow(inst.runtime, { trigger: 'one-off' });
  expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });
  // Every request factsync made went through the proxy, and a batch's answer is far below the limit.
  const proxied = Object.values(proxy.requests).reduce((n, k) => n + k, 0);
  expect(inst.fake.stats().requests).toBe(proxied);
  expect(proxy.requests.wbgetentities).toBe(ENTITIES / CONFIG.sync.batchSize);
  expect(proxy.largestItemAnswer).toBeLessThan(MAX_BODY_BYTES / 8);
  const clean = await snapshot(inst.runtime.store);
  cleanIds = new Set(clean.keys());
  expect(clean.size).toBeGreaterThan(30);

  // The reviewer: every third proposal accepted, every third rejected, the first victims' ones first so
  // several of their decisions (and open proposals) are at stake in the fuzzed run.
  firstPlan = pickVictims(SEEDS[0], candidates, proxy.features);
  const victims = plannedEntities(firstPlan);
  const order = [...clean]
    .sort(
      ([a, pa], [b, pb]) =>
        Number(victims.has(pb.entity)) - Number(victims.has(pa.entity)) || (a < b ? -1 : 1),
    )
    .map(([id]) => id);
  const at = new Date().toISOString();
  const accepted = order.filter((_, i) => i % 3 === 0);
  const rejected = order.filter((_, i) => i % 3 === 1);
  await inst.runtime.store.review(accepted, 'accepted', at, 'checked against the sources: right');
  await inst.runtime.store.review(rejected, 'rejected', at, 'the local record is right');
  reviewed = await snapshot(inst.runtime.store);
  figures.clean = {
    seconds: seconds(Date.now() - started),
    proposals: clean.size,
    requests: { ...proxy.requests },
    largestItemAnswerBytes: proxy.largestItemAnswer,
    maxBodyBytes: MAX_BODY_BYTES,
  };
  figures.review = {
    accepted: accepted.length,
    rejected: rejected.length,
    open: clean.size - accepted.length - rejected.length,
  };
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await inst?.close();
});

describe('runs through malformed upstream answers', () => {
  for (const [round, seed] of SEEDS.entries()) {
    it(`seed ${seed}: decisions stand, no proposal from a spoiled answer, every spoiled entity reported failed`, async () => {
      const { store } = inst.runtime;
      const plan = round === 0 ? firstPlan : pickVictims(seed, candidates, proxy.features);
      if (round > 0) expect([...plan.items.keys()]).not.toEqual([...firstPlan.items.keys()]);
      // The store is as the reviewer left it (an earlier fuzzed run changed nothing either).
      const before = await snapshot(store);
      expect(
        [...before.values()].map((h) => h.line),
        'the store before the run, against the review',
      ).toEqual([...reviewed.values()].map((h) => h.line));

      proxy.fuzz(plan);
      const started = Date.now();
      const { run } = await syncNow(inst.runtime, { trigger: 'one-off', full: true });
      const runMs = Date.now() - started;
      // A drip goes on only while its client listens: each ended when factsync hung up.
      await waitFor('every drip to stop', () => proxy.activeDrips() === 0, { timeoutMs: 10_000 });
      const mutations = [...proxy.mutations];
      const requests = { ...proxy.requests };
      const dripsStopped = proxy.dripsStopped;
      proxy.fuzz(undefined);
      const after = await snapshot(store);

      // What the proxy actually spoiled, by entity.
      const affected = new Map<string, Set<MutationKind>>();
      for (const mutation of mutations)
        for (const id of mutation.affected)
          for (const key of byId.get(id) ?? [`(no record for ${id})`])
            affected.set(key, (affected.get(key) ?? new Set()).add(mutation.kind));
      // Every victim was met, with its own mutation.
      const untried = [...plan.items, ...plan.pages].filter(
        ([id, kind]) => !mutations.some((m) => m.kind === kind && m.affected.includes(id)),
      );
      expect(untried, 'victims whose mutation was never tried').toEqual([]);

      // (a) Every decision stands, with its note.
      const decided = [...reviewed].filter(([, h]) => !isRunStatus(h.status));
      const changedDecisions = decided
        .filter(([id, was]) => after.get(id)?.status !== was.status || after.get(id)?.note !== was.note)
        .map(([id, was]) => `${was.entity}: ${was.line} → ${after.get(id)?.line ?? 'gone'}`);
      expect(changedDecisions, 'decided proposals a run changed').toEqual([]);

      // (b) No proposal a clean run would not make; a spoiled entity's proposals untouched (open ones not resolved).
      const unexpected = [...after]
        .filter(([id]) => !cleanIds.has(id))
        .map(([, h]) => `${h.entity}: ${h.line}`);
      expect(unexpected, 'proposals a clean run does not make').toEqual([]);
      const touched = [...affected.keys()].filter(
        (key) => linesOf(after, key).join('\n') !== linesOf(reviewed, key).join('\n'),
      );
      expect(
        touched.map((key) => `${key}: ${linesOf(after, key).join('; ')}`),
        'spoiled entities whose proposals changed',
      ).toEqual([]);

      // (c) Every spoiled entity reported failed, with the reason its answer called for; no other.
      const failures = new Map<string, RunFailure>(run.failures.map((f) => [f.entity ?? f.file ?? '?', f]));
      const notReported = [...affected]
        .filter(([key]) => !failures.has(key))
        .map(([key, kinds]) => `${key} (${[...kinds]})`);
      expect(notReported, 'spoiled entities not reported failed').toEqual([]);
      const wronglyFailed = run.failures
        .filter((f) => !affected.has(f.entity ?? ''))
        .map((f) => `${f.entity}: ${f.reason}`);
      expect(wronglyFailed, 'entities reported failed that no answer spoiled').toEqual([]);
      expect(run.counts).toMatchObject({
        seen: ENTITIES,
        failed: affected.size,
        fetched: ENTITIES - affected.size,
      });
      const misreported = [...affected].flatMap(([key, kinds]) => {
        const failure = failures.get(key);
        const record = inst.records.find((r) => r.key === key);
        const fits = [...kinds].some((kind) => {
          const code = expectedCode(kind);
          const named = (REQUEST_KINDS as readonly string[]).includes(kind)
            ? true
            : (PAGE_KINDS as readonly string[]).includes(kind)
              ? failure?.reason.includes(`${record?.wikipedia?.lang}:${record?.wikipedia?.title}`)
              : failure?.reason.includes(`${record?.qid}:`) || failure?.reason.includes(`${record?.qid} `);
          return (failure?.code === code || failure?.reason.startsWith(`${code}: `)) && named;
        });
        return fits || !failure ? [] : [`${key} (${[...kinds]}): ${failure.code} ${failure.reason}`];
      });
      expect(misreported, 'failures whose reason does not say what was wrong').toEqual([]);

      // (d) Every other entity's proposals exactly as the reviewer left them.
      const entities = new Set([...reviewed.values(), ...after.values()].map((h) => h.entity));
      const moved = [...entities]
        .filter((key) => !affected.has(key))
        .filter((key) => linesOf(after, key).join('\n') !== linesOf(reviewed, key).join('\n'))
        .map((key) => `${key}: ${linesOf(reviewed, key).join('; ')} → ${linesOf(after, key).join('; ')}`);
      expect(moved, 'entities no answer spoiled whose proposals moved').toEqual([]);

      // The run put decisions and open proposals of spoiled entities at stake, and tried every kind.
      const atStake = [...reviewed.values()].filter((h) => affected.has(h.entity));
      expect(atStake.filter((h) => !isRunStatus(h.status)).length).toBeGreaterThanOrEqual(3);
      expect(atStake.filter((h) => h.status === 'open').length).toBeGreaterThanOrEqual(1);
      const tried = Object.fromEntries(
        ALL_KINDS.map((kind) => [kind, mutations.filter((m) => m.kind === kind).length]),
      );
      for (const kind of ALL_KINDS) expect(tried[kind], kind).toBeGreaterThan(0);
      expect(dripsStopped, 'drips ended by the client hanging up').toBe(tried.drip);

      figures.runs.push({
        seed,
        victims: { items: plan.items.size, pages: plan.pages.size },
        victimsByKind: Object.fromEntries(
          ALL_KINDS.map((kind) => [
            kind,
            [...plan.items.values(), ...plan.pages.values()].filter((k) => k === kind).length,
          ]),
        ),
        answersTried: tried,
        requestsSpoiled: new Set(mutations.map((m) => m.held.join('|'))).size,
        requestsProxied: Object.values(requests).reduce((n, k) => n + k, 0),
        requests,
        entitiesAffected: affected.size,
        entitiesFailed: run.counts.failed,
        failureCodes: run.failures.reduce<Record<string, number>>((n, f) => {
          const code = /^([A-Z_]+): /.exec(f.reason)?.[1] ?? f.code ?? '?';
          n[code] = (n[code] ?? 0) + 1;
          return n;
        }, {}),
        decisionsChecked: decided.length,
        decisionsOfAffected: atStake.filter((h) => !isRunStatus(h.status)).length,
        decisionsPreserved: decided.length - changedDecisions.length,
        openOfAffected: atStake.filter((h) => h.status === 'open').length,
        dripsStoppedByHangUp: dripsStopped,
        runCounts: run.counts,
        seconds: seconds(runMs),
      });
      recordFigures('upstream-fuzz', figures);
    });
  }
});
