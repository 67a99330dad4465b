// The proposal store's conformance suite: every adapter runs these same tests against a real database
// (store-sqlite.test.ts, store-postgres.test.ts). `open` opens another connection to the test file's
// own database; each test works under entity keys and run ids of its own, and the filter tests compare
// the store's answers with the same filter applied in JavaScript to everything the store holds.

import pMap from 'p-map';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, type Proposal } from '../../src/model/proposal.js';
import { emptyRun } from '../../src/model/run.js';
import type { ProposalFilter, ProposalStore } from '../../src/sinks/store.js';
import { announcedFinding, listAll, QID, soraFinding, tag, time } from './store-findings.js';
import { reconcileConformance } from './store-reconcile-conformance.js';
import { reviewConformance } from './store-review-conformance.js';

export { announcedFinding, soraFinding, time } from './store-findings.js';

async function collect(stream: AsyncIterable<Proposal>): Promise<Proposal[]> {
  const all: Proposal[] = [];
  for await (const proposal of stream) all.push(proposal);
  return all;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const newestFirst = (a: Proposal, b: Proposal) => cmp(b.lastSeen, a.lastSeen) || cmp(a.id, b.id);
const oldestFirst = (a: Proposal, b: Proposal) => cmp(a.firstSeen, b.firstSeen) || cmp(a.id, b.id);

/** The filter's meaning (store.ts), in JavaScript: the oracle the SQL is checked against. */
function matches(p: Proposal, filter: ProposalFilter): boolean {
  const within = (list: readonly string[] | undefined, value: string) =>
    !list || list.length === 0 || list.includes(value);
  const needle = filter.search?.toLowerCase() ?? '';
  return (
    within(filter.status, p.status) &&
    within(filter.kind, p.kind) &&
    within(filter.field, p.field) &&
    within(filter.side, p.side ?? '') &&
    (filter.entity === undefined || p.entity === filter.entity || p.qid === filter.entity) &&
    (filter.run === undefined || p.firstRun === filter.run || p.lastRun === filter.run) &&
    [p.entity, p.label ?? '', p.qid].some((text) => text.toLowerCase().includes(needle))
  );
}

export function storeConformance(
  name: string,
  open: () => Promise<ProposalStore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`proposal store conformance: ${name}`, () => {
    const opened: ProposalStore[] = [];
    let main: ProposalStore | undefined;
    const another = async () => {
      const store = await open();
      opened.push(store);
      return store;
    };
    /** The suite's main store, migrated (the first test opens it; -t may run any test alone). */
    const store = async (): Promise<ProposalStore> => {
      if (!main) {
        main = await another();
        await main.migrate();
      }
      return main;
    };

    afterAll(async () => {
      for (const s of opened) await s.close();
      await cleanup?.();
    });

    describe('migrate', () => {
      it('migrates a fresh database from two connections at once', async () => {
        const [a, b] = await Promise.all([another(), another()]);
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        main ??= a;
        expect(await b.count({ entity: `nobody-${tag()}` })).toBe(0);
      });

      it('is idempotent: migrating again keeps the data', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        await s.reconcile(entity, [soraFinding(entity)], { runId: 'r1', time: time(1) });
        await s.migrate();
        await s.migrate();
        expect(await s.count({ entity })).toBe(1);
      });
    });

    describe('reconcile', () => {
      it('creates open proposals under the fingerprint, shaped exactly as Proposal', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const finding = soraFinding(entity);
        const result = await s.reconcile(entity, [finding], { runId: 'run-1', time: time(10) });
        const id = fingerprint(finding);
        expect(result).toEqual({ created: [id], seen: [], superseded: [], resolved: [] });
        expect(await s.get([id])).toEqual([
          {
            ...finding,
            id,
            status: 'open',
            firstSeen: time(10),
            lastSeen: time(10),
            firstRun: 'run-1',
            lastRun: 'run-1',
          },
        ]);
        // No label, no property: the keys are absent, not null.
        const bareFinding = announcedFinding(entity, { label: undefined, property: undefined, local: null });
        await s.reconcile(entity, [bareFinding], { runId: 'run-2', time: time(11) });
        const [bare] = await s.get([fingerprint(bareFinding)]);
        expect(Object.keys(bare ?? {}).filter((key) => ['label', 'property', 'note'].includes(key))).toEqual(
          [],
        );
        expect(bare?.local).toBeNull();
      });

      it('touches the proposals of an unchanged entity without changing their statuses', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const [open, rejected] = [soraFinding(entity), announcedFinding(entity)];
        await s.reconcile(entity, [open, rejected], { runId: 'night-1', time: time(20) });
        await s.review([fingerprint(rejected)], 'rejected', time(21), 'not now');
        expect(await s.touch([entity, `nobody-${tag()}`], { runId: 'night-2', time: time(22) })).toBe(2);
        const proposals = await s.get([fingerprint(open), fingerprint(rejected)]);
        expect(proposals.map((p) => [p.status, p.lastSeen, p.lastRun, p.firstRun])).toEqual([
          ['open', time(22), 'night-2', 'night-1'],
          ['decided', time(22), 'night-2', 'night-1'],
        ]);
      });

      it('follows the lifecycle across three runs: seen, then superseded and resolved', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const followedBy = soraFinding(entity);
        const announced = announcedFinding(entity);
        const [a, b] = [fingerprint(followedBy), fingerprint(announced)];

        const run1 = await s.reconcile(entity, [followedBy, announced], { runId: 'run-1', time: time(100) });
        expect(run1).toEqual({ created: [a, b], seen: [], superseded: [], resolved: [] });

        // Run 2: the same findings; the card's value and the evidence changed, not the identity. The
        // evidence keeps the hash of the record compared (apply's guard), refreshed with the rest.
        const announcedAgain = announcedFinding(entity, {
          local: '2024-01',
          label: 'Sora (model)',
          evidence: {
            ...announced.evidence,
            revision: 2212345999,
            retrievedAt: time(200),
            recordHash: '5d41402abc4b2a76',
          },
        });
        const run2 = await s.reconcile(entity, [followedBy, announcedAgain], {
          runId: 'run-2',
          time: time(200),
        });
        expect(run2).toEqual({ created: [], seen: [a, b], superseded: [], resolved: [] });
        expect(await s.count({ entity })).toBe(2);
        const [pa, pb] = await s.get([a, b]);
        expect(pa).toMatchObject({
          status: 'open',
          firstSeen: time(100),
          lastSeen: time(200),
          firstRun: 'run-1',
        });
        expect(pa?.lastRun).toBe('run-2');
        expect(pb).toMatchObject({
          local: '2024-01',
          label: 'Sora (model)',
          evidence: announcedAgain.evidence,
        });

        // Run 3: Wikidata now names another successor; the announcement date was fixed locally.
        const newSuccessor = soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } });
        const c = fingerprint(newSuccessor);
        const run3 = await s.reconcile(entity, [newSuccessor], { runId: 'run-3', time: time(300) });
        expect(run3).toEqual({ created: [c], seen: [], superseded: [a], resolved: [b] });
        const byId = new Map((await s.get([a, b, c])).map((p) => [p.id, p]));
        expect(byId.get(a)).toMatchObject({ status: 'superseded', supersededBy: c, lastSeen: time(200) });
        expect(byId.get(b)?.status).toBe('resolved');
        expect(byId.get(b)?.supersededBy).toBeUndefined();
        expect(byId.get(c)).toMatchObject({ status: 'open', firstRun: 'run-3', lastRun: 'run-3' });
        expect(
          (await s.list({ entity, status: ['open'] }, { limit: 10 })).proposals.map((p) => p.id),
        ).toEqual([c]);
        expect(await s.count({ entity: QID, run: 'run-3' })).toBeGreaterThanOrEqual(1);
      });

      it('keeps a rejected proposal rejected, with its note, while the remote value stays the same', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const finding = soraFinding(entity);
        const id = fingerprint(finding);
        await s.reconcile(entity, [finding], { runId: 'r1', time: time(1) });
        const [rejected] = await s.review([id], 'rejected', time(2), 'Sora 2 is an app, not a successor');
        expect(rejected).toMatchObject({
          status: 'decided',
          side: 'none',
          note: 'Sora 2 is an app, not a successor',
        });

        expect((await s.reconcile(entity, [finding], { runId: 'r2', time: time(3) })).seen).toEqual([id]);
        expect(await s.get([id])).toEqual([{ ...rejected, lastSeen: time(3), lastRun: 'r2' }]);
        // Gone, or replaced by another value: a rejected proposal is left as it is.
        const other = soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } });
        const result = await s.reconcile(entity, [other], { runId: 'r3', time: time(4) });
        expect(result.superseded).toEqual([]);
        expect((await s.get([id]))[0]?.status).toBe('decided');
      });

      it('reopens a resolved or superseded proposal that comes back', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const first = soraFinding(entity);
        const second = soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } });
        const [a, b] = [fingerprint(first), fingerprint(second)];
        await s.reconcile(entity, [first], { runId: 'r1', time: time(1) });
        expect((await s.reconcile(entity, [], { runId: 'r2', time: time(2) })).resolved).toEqual([a]);
        const back = await s.reconcile(entity, [first], { runId: 'r3', time: time(3) });
        expect(back).toEqual({ created: [], seen: [a], superseded: [], resolved: [] });
        expect((await s.get([a]))[0]).toMatchObject({ status: 'open', lastRun: 'r3', firstRun: 'r1' });

        expect((await s.reconcile(entity, [second], { runId: 'r4', time: time(4) })).superseded).toEqual([a]);
        const again = await s.reconcile(entity, [first], { runId: 'r5', time: time(5) });
        expect(again).toEqual({ created: [], seen: [a], superseded: [b], resolved: [] });
        const [pa, pb] = await s.get([a, b]);
        expect(pa?.status).toBe('open');
        expect(pa?.supersededBy).toBeUndefined();
        expect(pb).toMatchObject({ status: 'superseded', supersededBy: a });
      });

      it('leaves accepted and applied proposals alone when their finding is gone', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const [follow, announced] = [soraFinding(entity), announcedFinding(entity)];
        const [a, b] = [fingerprint(follow), fingerprint(announced)];
        await s.reconcile(entity, [follow, announced], { runId: 'r1', time: time(1) });
        await s.review([a, b], 'accepted', time(2));
        await s.markApplied([b], time(3));
        expect((await s.reconcile(entity, [follow, announced], { runId: 'r2', time: time(4) })).seen).toEqual(
          [a, b],
        );
        expect((await s.get([a, b])).map((p) => p.status)).toEqual(['decided', 'applied']);
        expect(await s.reconcile(entity, [], { runId: 'r3', time: time(5) })).toEqual({
          created: [],
          seen: [],
          superseded: [],
          resolved: [],
        });
        expect((await s.get([a, b])).map((p) => p.status)).toEqual(['decided', 'applied']);
      });

      it('is idempotent, and counts a duplicate finding once', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const findings = [soraFinding(entity), announcedFinding(entity), soraFinding(entity)];
        const at = { runId: 'r1', time: time(1) };
        const once = await s.reconcile(entity, findings, at);
        expect(once.created).toHaveLength(2);
        const state = await listAll(s, { entity });
        // The same call again (a retried batch of the same run) reports what the first one did.
        expect(await s.reconcile(entity, findings, at)).toEqual(once);
        expect(await listAll(s, { entity })).toEqual(state);
      });

      it('refuses a finding of another entity', async () => {
        const s = await store();
        await expect(
          s.reconcile(`sora-${tag()}`, [soraFinding('somebody-else')], { runId: 'r1', time: time(1) }),
        ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
      });

      it('leaves one row per fingerprint when 8 writers reconcile the same entity at once', async () => {
        const writers = [await store(), ...(await Promise.all([1, 2, 3].map(another)))];
        for (const w of writers.slice(1)) await w.migrate();
        const entity = `sora-${tag()}`;
        const findings = [soraFinding(entity), announcedFinding(entity)];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            writers[i % writers.length]?.reconcile(entity, findings, { runId: `r${i}`, time: time(i) }),
          ),
        );
        const created = results.flatMap((r) => r?.created ?? []);
        expect(created.sort()).toEqual(findings.map(fingerprint).sort());
        expect(results.flatMap((r) => [...(r?.superseded ?? []), ...(r?.resolved ?? [])])).toEqual([]);
        const rows = await listAll(await store(), { entity });
        expect(rows).toHaveLength(2);
        expect(rows.every((p) => p.status === 'open')).toBe(true);

        // Writers with different views of the entity: the end state is one of theirs, never a mix.
        const replaced = soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } });
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            writers[i % writers.length]?.reconcile(entity, i % 2 ? findings : [replaced], {
              runId: `s${i}`,
              time: time(100 + i),
            }),
          ),
        );
        const open = (await listAll(await store(), { entity, status: ['open'] })).map((p) => p.id).sort();
        expect([findings.map(fingerprint).sort(), [fingerprint(replaced)]]).toContainEqual(open);
        expect(await (await store()).count({ entity })).toBe(3);
      });
    });

    reconcileConformance(store);

    describe('reading', () => {
      const t = tag();
      const run = `filters-${t}`;
      const labels = ['Éclair Film', '100% Wolf', 'snake_case Studio', 'Sora'];
      const seed = async (s: ProposalStore) => {
        const fields = ['followedBy', 'announced', 'website'] as const;
        const kinds = ['add', 'update', 'upstream'] as const;
        for (let e = 0; e < 12; e++) {
          const entity = `film-${t}-${e}`;
          const findings = fields.slice(0, 1 + (e % 3)).map((field, i) =>
            soraFinding(entity, {
              field,
              kind: kinds[(e + i) % 3] ?? 'add',
              label: labels[e % labels.length],
              qid: `Q${900_000 + e}`,
              remote: `${field}-${e}`,
            }),
          );
          await s.reconcile(entity, findings, {
            runId: e < 6 ? run : `${run}-b`,
            time: time(1000 + (e % 5)),
          });
        }
        const some = await s.list({ run }, { limit: 4 });
        await s.review(
          some.proposals.slice(0, 2).map((p) => p.id),
          'rejected',
          time(2000),
          'no',
        );
        await s.review(
          some.proposals.slice(2).map((p) => p.id),
          'accepted',
          time(2000),
        );
      };
      let seeded = false;
      const seededStore = async () => {
        const s = await store();
        if (!seeded) await seed(s);
        seeded = true;
        return s;
      };

      const filters: ProposalFilter[] = [
        {},
        { status: ['open'] },
        { status: ['decided'] },
        { status: ['decided'], side: ['none'] },
        { side: ['card', 'both'] },
        { kind: ['update'] },
        { kind: ['add', 'upstream'] },
        { field: ['announced'] },
        { entity: `film-${t}-4` },
        { entity: 'Q900007' },
        { run },
        { run: `${run}-b` },
        { search: 'ÉCLAIR' },
        { search: `FILM-${t.toUpperCase()}-1` },
        { search: '0% w' },
        { search: 'e_c' },
        { search: 'q90000' },
        { status: ['open'], kind: ['add'], field: ['followedBy'], run },
        { search: 'wolf', kind: ['update', 'upstream'] },
        { entity: `film-${t}-5`, status: ['open', 'decided'], field: ['followedBy', 'website'] },
        { status: [] },
      ];
      it.each(filters)('list, count and countBy agree with the filter %j', async (filter) => {
        const s = await seededStore();
        const everything = await collect(s.stream({}));
        const expected = everything.filter((p) => matches(p, filter)).sort(newestFirst);
        expect((await listAll(s, filter, 7)).map((p) => p.id)).toEqual(expected.map((p) => p.id));
        expect(await s.count(filter)).toBe(expected.length);
        for (const by of ['kind', 'status', 'field'] as const) {
          const counts: Record<string, number> = {};
          for (const p of expected) counts[p[by]] = (counts[p[by]] ?? 0) + 1;
          expect(await s.countBy(filter, by)).toEqual(counts);
        }
      });

      it('finds what the seed put in (the filters are not vacuous)', async () => {
        const s = await seededStore();
        expect(await s.count({ run })).toBe(12);
        expect(await s.count({ entity: `film-${t}-4` })).toBe(2);
        expect(await s.count({ entity: 'Q900004', search: t })).toBe(2);
        expect(await s.count({ search: 'ÉCLAIR', run })).toBe(3);
        expect(await s.countBy({ run }, 'status')).toEqual({ open: 8, decided: 4 });
        expect(await s.countBy({ search: t }, 'field')).toEqual({ followedBy: 12, announced: 8, website: 4 });
      });

      it('pages through 250 proposals, 100 at a time, each exactly once in order', async () => {
        const s = await store();
        const pageRun = `paging-${tag()}`;
        const expectedIds: string[] = [];
        for (let e = 0; e < 50; e++) {
          const entity = `page-${pageRun}-${e}`;
          const findings = Array.from({ length: 5 }, (_, i) => soraFinding(entity, { remote: `v${i}` }));
          // Ten entities share each lastSeen: ties are ordered by id.
          const result = await s.reconcile(entity, findings, { runId: pageRun, time: time(5000 + (e % 5)) });
          expectedIds.push(...result.created);
        }
        const pages = [];
        let after: string | undefined;
        do {
          const page = await s.list({ run: pageRun }, { limit: 100, ...(after ? { after } : {}) });
          pages.push(page.proposals);
          after = page.next;
        } while (after);
        expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
        const flat = pages.flat();
        expect(flat.map((p) => p.id)).toEqual([...flat].sort(newestFirst).map((p) => p.id));
        expect(flat.map((p) => p.id).sort()).toEqual(expectedIds.sort());

        const streamed = await collect(s.stream({ run: pageRun }));
        expect(streamed.map((p) => p.id)).toEqual([...flat].sort(oldestFirst).map((p) => p.id));
        expect((await s.list({ run: pageRun }, { limit: 250 })).next).toBeUndefined();
      });

      it('streams a run in entity order, each proposal once, across page boundaries', async () => {
        const s = await store();
        const run = `order-${tag()}`;
        const entityOf = (i: number) => `${run}-${String(i).padStart(3, '0')}`;
        const findings = (entity: string, n: number) =>
          Array.from({ length: n }, (_, i) => soraFinding(entity, { remote: `v${i}` }));
        // Reconciled in a shuffled order, so neither insertion nor time order is entity order.
        const order = Array.from({ length: 380 }, (_, i) => i).sort(() => Math.random() - 0.5);
        // Seen before this run (first_run earlier, last_run this run): in the run.
        for (const i of order.filter((i) => i >= 370))
          await s.reconcile(entityOf(i), findings(entityOf(i), 5), {
            runId: `${run}-earlier`,
            time: time(1),
          });
        for (const [n, i] of order.entries()) {
          await s.reconcile(entityOf(i), findings(entityOf(i), 5), { runId: run, time: time(100 + n) });
          // 600 proposals of one entity, between 150 and 151: a page boundary falls inside it.
          if (i === 150)
            await s.reconcile(`${entityOf(150)}-big`, findings(`${entityOf(150)}-big`, 600), {
              runId: run,
              time: time(100 + n),
            });
          // Another run's entities, interleaved by name: not in the run.
          if (i % 19 === 0)
            await s.reconcile(`${entityOf(i)}-other`, findings(`${entityOf(i)}-other`, 2), {
              runId: `${run}-other`,
              time: time(100 + n),
            });
        }
        // Seen again by a later run (first_run this run, last_run later): still in the run.
        for (const i of order.filter((i) => i < 10))
          await s.reconcile(entityOf(i), findings(entityOf(i), 5), {
            runId: `${run}-later`,
            time: time(9000),
          });

        const rejected = await s.list({ run }, { limit: 30 });
        await s.review(
          rejected.proposals.map((p) => p.id),
          'rejected',
          time(9001),
        );

        const byEntity = (a: Proposal, b: Proposal) => cmp(a.entity, b.entity) || cmp(a.id, b.id);
        const everything = await collect(s.stream({ search: run }));
        for (const filter of [{ run }, { run, status: ['open' as const] }, { search: run }]) {
          const expected = everything.filter((p) => matches(p, filter)).sort(byEntity);
          const streamed = await collect(s.stream(filter, { order: 'entity' }));
          expect(streamed.map((p) => p.id)).toEqual(expected.map((p) => p.id));
          expect(streamed).toEqual(expected);
        }
        expect(everything.filter((p) => matches(p, { run }))).toHaveLength(2_500);
        expect(await collect(s.stream({ run: `${run}-none` }, { order: 'entity' }))).toEqual([]);
      }, 120_000);

      it('rejects a cursor it did not hand out, and a limit below 1', async () => {
        const s = await store();
        await expect(s.list({}, { limit: 10, after: 'not-a-cursor' })).rejects.toMatchObject({
          code: 'BAD_CURSOR',
        });
        await expect(s.list({}, { limit: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
      });

      it('gets by id in any order, unknown ids absent', async () => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const { created } = await s.reconcile(entity, [soraFinding(entity), announcedFinding(entity)], {
          runId: 'r1',
          time: time(1),
        });
        const ids = [...created].reverse();
        expect((await s.get([...ids, 'unknown'])).map((p) => p.id)).toEqual(ids);
        expect(await s.get([])).toEqual([]);
      });
    });

    reviewConformance(store);

    describe('runs', () => {
      it('saves (upserts), gets and lists runs newest first', async () => {
        const s = await store();
        const t = tag();
        const ids = [`run-${t}-a`, `run-${t}-b`, `run-${t}-c`];
        const runs = ids.map((id, i) => emptyRun(id, 'nightly', `2099-01-0${i + 1}T03:00:00.000Z`, ['sora']));
        for (const run of runs) await s.saveRun(run);
        const [first] = runs as [ReturnType<typeof emptyRun>];
        first.status = 'done';
        first.finishedAt = '2099-01-01T03:10:00.000Z';
        first.counts.seen = 42;
        first.proposals.byKind = { add: 3, update: 1 };
        first.failures.push({ entity: 'sora', reason: 'timed out', code: 'HTTP_TIMEOUT' });
        first.requests.wbgetentities = { requests: 2, bytes: 31337 };
        await s.saveRun(first);
        expect(await s.getRun(first.id)).toEqual(first);
        expect(await s.getRun(`run-${t}-missing`)).toBeUndefined();
        expect((await s.listRuns(2)).map((r) => r.id)).toEqual([ids[2], ids[1]]);
        expect((await s.listRuns(100)).filter((r) => ids.includes(r.id))).toHaveLength(3);
      });
    });

    describe('sync state', () => {
      it('keeps entity states by key in bulk, across connections; reads only the keys that have one', async () => {
        const s = await store();
        const t = tag();
        // 1,200 keys: more than one statement's chunk (500).
        const states = new Map(
          Array.from({ length: 1_200 }, (_, i) => [
            `state-${t}-${i}`,
            {
              qid: `Q${1_000 + i}` as const,
              itemRev: 2_000 + i,
              recordHash: `hash-${i}`,
              checkedAt: time(i % 50),
              verifiedAt: time(i % 50),
              ...(i % 3 === 0 ? { pageRev: 7, pageTitle: `Titel ${i} — “ü”`, pageItem: `Q${i}` } : {}),
            },
          ]),
        );
        await s.saveSyncStates(states);
        const keys = [...states.keys()];
        const other = await another();
        const read = await other.syncStates([...keys, `state-${t}-missing`, `bad-\u0000-${t}`]);
        expect(read).toEqual(states);
        // A key the store cannot hold is skipped, and the rest of the call is written.
        const first = keys[0] as string;
        const replaced = { qid: 'Q1' as const, recordHash: 'new', checkedAt: time(60) };
        await other.saveSyncStates(
          new Map([
            [first, replaced],
            [`bad-\ud800-${t}`, replaced],
          ]),
        );
        expect(await s.syncStates([first, `bad-\ud800-${t}`])).toEqual(new Map([[first, replaced]]));
        expect(await s.syncStates([])).toEqual(new Map());
      });

      it('keeps named positions, merging writes, and clears them with the states', async () => {
        const s = await store();
        const t = tag();
        await s.saveSyncPositions({ [`cursor:wikidata-${t}`]: '20990101030000|1', [`meta-${t}`]: '{"a":1}' });
        await s.saveSyncPositions({ [`cursor:wikidata-${t}`]: '20990102030000|2' });
        const other = await another();
        expect(await other.syncPositions()).toMatchObject({
          [`cursor:wikidata-${t}`]: '20990102030000|2',
          [`meta-${t}`]: '{"a":1}',
        });
        await s.saveSyncStates(new Map([[`clear-${t}`, { qid: 'Q1', recordHash: 'h', checkedAt: time(1) }]]));
        await other.clearSyncState();
        expect(await s.syncPositions()).toEqual({});
        expect(await s.syncStates([`clear-${t}`])).toEqual(new Map());
      });
    });

    describe('at 100,000 proposals', () => {
      it('seeds 100k proposals through reconcile, then filters, searches and streams them', async () => {
        const s = await store();
        const big = `big-${tag()}`;
        // 10,000 entities with 10 findings each: five fields, an add and an update per field.
        const entities = 10_000;
        const fields = ['followedBy', 'announced', 'website', 'developer', 'publisher'];
        const entityOf = (i: number) => `${big}-${String(i).padStart(5, '0')}`;
        await pMap(
          Array.from({ length: entities }, (_, i) => i),
          (i) => {
            const entity = entityOf(i);
            const findings = Array.from({ length: 10 }, (_, j) =>
              soraFinding(entity, {
                label: `Film #${i}`,
                qid: `Q${1_000_000 + i}`,
                field: fields[j % 5] ?? 'followedBy',
                kind: j < 5 ? 'add' : 'update',
                local: j < 5 ? null : `local-${j}`,
                remote: `remote-${j}`,
              }),
            );
            return s.reconcile(entity, findings, { runId: big, time: time(10_000 + i) });
          },
          { concurrency: 8 },
        );
        const n = entities * 10;
        expect(await s.count({ run: big })).toBe(n);
        expect(await s.countBy({ run: big }, 'kind')).toEqual({ add: n / 2, update: n / 2 });

        const filter: ProposalFilter = { run: big, kind: ['update'], field: ['announced'] };
        expect(await s.count(filter)).toBe(entities);
        const updates = await s.list(filter, { limit: 50 });
        expect(updates.proposals).toHaveLength(50);
        expect(updates.proposals.every((p) => p.kind === 'update' && p.field === 'announced')).toBe(true);
        expect(updates.proposals.map((p) => p.entity)).toEqual(
          Array.from({ length: 50 }, (_, k) => entityOf(entities - 1 - k)),
        );

        // "film #424" is in the labels of films 424 and 4240…4249: 11 entities, 110 proposals.
        const found = await listAll(s, { search: 'FILM #424', run: big });
        expect(found).toHaveLength(110);
        expect(new Set(found.map((p) => p.label))).toEqual(
          new Set(['Film #424', ...Array.from({ length: 10 }, (_, d) => `Film #424${d}`)]),
        );
        expect(await s.count({ search: entityOf(7_777).toUpperCase() })).toBe(10);
        expect((await s.list({ entity: 'Q1007777', kind: ['add'] }, { limit: 50 })).proposals).toHaveLength(
          5,
        );

        let count = 0;
        let ordered = true;
        let previous: Proposal | undefined;
        for await (const p of s.stream({ run: big })) {
          if (previous && oldestFirst(previous, p) >= 0) ordered = false;
          previous = p;
          count++;
        }
        expect({ count, ordered }).toEqual({ count: n, ordered: true });

        count = 0;
        previous = undefined;
        for await (const p of s.stream({ run: big }, { order: 'entity' })) {
          if (previous && (cmp(previous.entity, p.entity) || cmp(previous.id, p.id)) >= 0) ordered = false;
          previous = p;
          count++;
        }
        expect({ count, ordered }).toEqual({ count: n, ordered: true });
      }, 300_000);
    });
  });
}
