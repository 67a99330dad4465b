// The conformance tests of what a run may do to the proposals it finds, run by every adapter inside
// storeConformance: a reviewer's decision is never changed by a run; fields a run could not compare in
// full are left as they are; a batch retried within one run reports what it stored, whatever an
// earlier attempt already wrote; and values the store cannot hold are refused before anything is written.

import { describe, expect, it } from 'vitest';
import { type Finding, fingerprint, type Proposal } from '../../src/model/proposal.js';
import { emptyRun } from '../../src/model/run.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { announcedFinding, listAll, soraFinding, tag, time } from './store-findings.js';

/** sora's website: the card lacks it, Wikidata states it (P856). */
function websiteFinding(entity: string, overrides: Partial<Finding> = {}): Finding {
  return soraFinding(entity, {
    field: 'website',
    property: 'P856',
    remote: 'https://openai.com/sora',
    ...overrides,
  });
}

/** sora's developer: the card says OpenAI Inc., Wikidata OpenAI (P178). */
function developerFinding(entity: string, overrides: Partial<Finding> = {}): Finding {
  return soraFinding(entity, {
    field: 'developer',
    property: 'P178',
    kind: 'update',
    local: [{ label: 'OpenAI Inc.' }],
    remote: [{ id: 'Q21708200', label: 'OpenAI' }],
    ...overrides,
  });
}

const statusesOf = async (s: ProposalStore, ids: readonly string[]) =>
  (await s.get(ids)).map((p) => [p.id, p.status, p.supersededBy ?? null]);

export function reconcileConformance(store: () => Promise<ProposalStore>): void {
  describe('reconcile never changes a decision', () => {
    it('leaves accepted, rejected and applied proposals as they are when their finding is seen, gone or replaced', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const findings = [
        soraFinding(entity),
        announcedFinding(entity),
        websiteFinding(entity),
        developerFinding(entity),
      ];
      const [accepted, rejected, applied, open] = findings.map(fingerprint) as [
        string,
        string,
        string,
        string,
      ];
      await s.reconcile(entity, findings, { runId: 'r1', time: time(1) });
      await s.review([accepted, applied], 'accepted', time(2), 'checked on the studio site');
      await s.review([rejected], 'rejected', time(2), 'release date, not announcement');
      await s.markApplied([applied], time(3));
      const decided = await s.get([accepted, rejected, applied]);
      const unchanged = (p: Proposal) => {
        const { lastSeen, lastRun, ...rest } = p;
        return rest;
      };

      // Seen again: only lastSeen and lastRun move.
      const seen = await s.reconcile(entity, findings, { runId: 'r2', time: time(4) });
      expect(seen).toEqual({ created: [], seen: findings.map(fingerprint), superseded: [], resolved: [] });
      expect((await s.get([accepted, rejected, applied])).map(unchanged)).toEqual(decided.map(unchanged));

      // Gone (an empty upstream answer): only the open proposal is resolved.
      const gone = await s.reconcile(entity, [], { runId: 'r3', time: time(5) });
      expect(gone).toEqual({ created: [], seen: [], superseded: [], resolved: [open] });
      expect((await s.get([accepted, rejected, applied])).map(unchanged)).toEqual(decided.map(unchanged));

      // Back again: the decisions stand, the resolved open one reopens.
      const back = await s.reconcile(entity, findings, { runId: 'r4', time: time(6) });
      expect(back.seen).toEqual(findings.map(fingerprint));
      expect(await statusesOf(s, [accepted, rejected, applied, open])).toEqual([
        [accepted, 'decided', null],
        [rejected, 'decided', null],
        [applied, 'applied', null],
        [open, 'open', null],
      ]);

      // Replaced by other remote values: only the open proposal is superseded.
      const replacements = [
        soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } }),
        announcedFinding(entity, { remote: '2024-02-16' }),
        websiteFinding(entity, { remote: 'https://sora.com' }),
        developerFinding(entity, { remote: [{ id: 'Q21708201', label: 'OpenAI Global' }] }),
      ];
      const replaced = await s.reconcile(entity, replacements, { runId: 'r5', time: time(7) });
      const developer = fingerprint(replacements[3] as Finding);
      expect(replaced).toEqual({
        created: replacements.map(fingerprint),
        seen: [],
        superseded: [open],
        resolved: [],
      });
      expect(await statusesOf(s, [accepted, rejected, applied, open])).toEqual([
        [accepted, 'decided', null],
        [rejected, 'decided', null],
        [applied, 'applied', null],
        [open, 'superseded', developer],
      ]);
      expect((await s.get([accepted, rejected, applied])).map(unchanged)).toEqual(decided.map(unchanged));
    });

    it('keeps an accepted proposal accepted, with its note, through an empty answer and a good run after it', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const finding = soraFinding(entity);
      const id = fingerprint(finding);
      await s.reconcile(entity, [finding], { runId: 'r1', time: time(1) });
      await s.review([id], 'accepted', time(2), 'Sora 2 is the successor');
      expect((await s.reconcile(entity, [], { runId: 'r2', time: time(3) })).resolved).toEqual([]);
      expect((await s.reconcile(entity, [finding], { runId: 'r3', time: time(4) })).seen).toEqual([id]);
      expect((await s.get([id]))[0]).toMatchObject({
        status: 'decided',
        note: 'Sora 2 is the successor',
        reviewedAt: time(2),
        lastRun: 'r3',
      });
      expect(await s.count({ entity, status: ['open'] })).toBe(0);
    });
  });

  describe('reconcile with fields the run could not compare in full', () => {
    it('leaves the proposals of those fields exactly as they are, and settles the others', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const [follow, announced, developer] = [
        soraFinding(entity),
        announcedFinding(entity),
        developerFinding(entity),
      ];
      const [f, a, d] = [follow, announced, developer].map(fingerprint) as [string, string, string];
      await s.reconcile(entity, [follow, announced, developer], { runId: 'r1', time: time(1) });
      const before = await s.get([f, d]);

      // The successor's and the developer's labels could not be read: nothing found for them.
      const partial = { partialFields: ['followedBy', 'developer'] };
      const result = await s.reconcile(entity, [], { runId: 'r2', time: time(2) }, partial);
      expect(result).toEqual({ created: [], seen: [], superseded: [], resolved: [a] });
      expect(await s.get([f, d])).toEqual(before);

      // A replacement found for a partial field is stored; what it would replace stays as it is.
      const other = soraFinding(entity, { remote: { id: 'Q136600001', label: 'Sora 3' } });
      const replaced = await s.reconcile(entity, [other, developer], { runId: 'r3', time: time(3) }, partial);
      expect(replaced).toEqual({ created: [fingerprint(other)], seen: [d], superseded: [], resolved: [] });
      expect((await s.get([f]))[0]).toEqual(before[0]);
      expect((await s.get([d]))[0]).toMatchObject({ status: 'open', lastRun: 'r3', lastSeen: time(3) });

      // Compared in full again: the old successor is superseded by the new one.
      const full = await s.reconcile(entity, [other, developer], { runId: 'r4', time: time(4) });
      expect(full).toEqual({ created: [], seen: [fingerprint(other), d], superseded: [f], resolved: [] });
      expect((await s.get([f]))[0]).toMatchObject({ status: 'superseded', supersededBy: fingerprint(other) });
    });
  });

  describe('reconcile retried within a run', () => {
    it('reports what the first attempt reported and changes no status; the next run counts them as seen', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const [follow, announced, website] = [
        soraFinding(entity),
        announcedFinding(entity),
        websiteFinding(entity),
      ];
      await s.reconcile(entity, [follow, announced, website], { runId: 'night-1', time: time(1) });

      // Night 2: the successor is seen again, the announcement date changed upstream, the website went
      // away, and a developer finding is new.
      const announcedNow = announcedFinding(entity, { remote: '2024-02-16' });
      const findings = [follow, announcedNow, developerFinding(entity)];
      const first = await s.reconcile(entity, findings, { runId: 'night-2', time: time(10) });
      const expected = {
        created: [fingerprint(announcedNow), fingerprint(developerFinding(entity))],
        seen: [fingerprint(follow)],
        superseded: [fingerprint(announced)],
        resolved: [fingerprint(website)],
      };
      expect(first).toEqual(expected);
      const state = await listAll(s, { entity });

      // The batch job fails later on and BullMQ runs it again: the same call, a little later.
      const retried = await s.reconcile(entity, findings, { runId: 'night-2', time: time(20) });
      expect(retried).toEqual(expected);
      const after = await listAll(s, { entity });
      const shape = (p: Proposal) => [p.id, p.status, p.supersededBy ?? null, p.firstRun, p.lastRun];
      expect(after.map(shape).sort()).toEqual(state.map(shape).sort());
      expect(after.map(shape).sort()).toContainEqual([
        fingerprint(announced),
        'superseded',
        fingerprint(announcedNow),
        'night-1',
        'night-1',
      ]);

      // Night 3 finds the same: nothing new, nothing settled.
      const next = await s.reconcile(entity, findings, { runId: 'night-3', time: time(30) });
      expect(next).toEqual({
        created: [],
        seen: findings.map(fingerprint),
        superseded: [],
        resolved: [],
      });
    });

    it('counts a finding as new in its run even when an earlier attempt stored it and a review followed', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const finding = soraFinding(entity);
      const id = fingerprint(finding);
      const at = { runId: `run-${tag()}`, time: time(1) };
      expect((await s.reconcile(entity, [finding], at)).created).toEqual([id]);
      await s.review([id], 'rejected', time(2), 'not a successor');
      expect(await s.reconcile(entity, [finding], { ...at, time: time(3) })).toEqual({
        created: [id],
        seen: [],
        superseded: [],
        resolved: [],
      });
      expect((await s.get([id]))[0]).toMatchObject({
        status: 'decided',
        side: 'none',
        note: 'not a successor',
      });
    });
  });

  describe('values the store cannot hold', () => {
    const NUL = '\u0000';
    const HIGH = '\ud800';
    const LOW = '\udc00';
    const cases: [string, (entity: string) => Finding, RegExp][] = [
      [
        'U+0000 in a Wikidata label',
        (e) => soraFinding(e, { remote: { id: 'Q136505399', label: `Sora${NUL}2` } }),
        /remote/,
      ],
      ['U+0000 in the record label', (e) => soraFinding(e, { label: `So${NUL}ra` }), /label/],
      ['U+0000 in the card value', (e) => announcedFinding(e, { local: `2024${NUL}-02` }), /local/],
      [
        'U+0000 in the evidence',
        (e) =>
          soraFinding(e, {
            evidence: {
              source: 'wikidata',
              url: `https://www.wikidata.org/wiki/Q1${NUL}`,
              retrievedAt: time(0),
            },
          }),
        /evidence/,
      ],
      [
        'a lone high surrogate in a label',
        (e) => soraFinding(e, { remote: { label: `Sora ${HIGH}` } }),
        /remote/,
      ],
      [
        'a lone low surrogate in a many-valued field',
        (e) => developerFinding(e, { remote: [{ label: `Open${LOW}AI` }] }),
        /remote/,
      ],
    ];

    it.each(cases)(
      'refuses %s as BAD_VALUE naming the entity and the field, writing nothing for it',
      async (_, bad, where) => {
        const s = await store();
        const entity = `sora-${tag()}`;
        const website = websiteFinding(entity);
        await s.reconcile(entity, [website], { runId: 'r1', time: time(1) });
        const before = await listAll(s, { entity });
        const finding = bad(entity);
        const error = await s
          .reconcile(entity, [announcedFinding(entity), finding], { runId: 'r2', time: time(2) })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toMatchObject({ name: 'StoreError', code: 'BAD_VALUE' });
        const message = String((error as Error).message);
        expect(message).toContain(entity);
        expect(message).toContain(finding.field);
        expect(message).toMatch(where);
        expect(message).toMatch(/U\+0000|surrogate/);
        // Safe to print: the message holds neither the NUL nor the lone surrogate itself.
        expect(message).not.toMatch(/[\0\p{Cs}]/u);
        expect(await listAll(s, { entity })).toEqual(before);
      },
    );

    it('refuses an entity key with U+0000 in it, and still reconciles the next entity', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const badKey = `${entity}${NUL}x`;
      await expect(
        s.reconcile(badKey, [soraFinding(badKey)], { runId: 'r1', time: time(1) }),
      ).rejects.toMatchObject({ code: 'BAD_VALUE', message: expect.stringContaining('entity key') });
      expect(
        (await s.reconcile(entity, [soraFinding(entity)], { runId: 'r1', time: time(1) })).created,
      ).toHaveLength(1);
    });

    it('refuses a review note with U+0000 in it, leaving the proposal as it was', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const { created } = await s.reconcile(entity, [soraFinding(entity)], { runId: 'r1', time: time(1) });
      await expect(s.review(created, 'rejected', time(2), `pasted${NUL}note`)).rejects.toMatchObject({
        code: 'BAD_VALUE',
        message: expect.stringContaining('note'),
      });
      await expect(s.review(created, 'rejected', time(2), `half ${HIGH} an emoji`)).rejects.toMatchObject({
        code: 'BAD_VALUE',
      });
      expect((await s.get(created))[0]).toMatchObject({ status: 'open' });
      expect((await s.get(created))[0]?.note).toBeUndefined();
    });

    it('gets and reviews by id, ignoring ids the store cannot hold (they match nothing)', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const { created } = await s.reconcile(entity, [soraFinding(entity)], { runId: 'r1', time: time(1) });
      const ids = [...created, `${created[0]}${NUL}`, `${HIGH}`];
      expect((await s.get(ids)).map((p) => p.id)).toEqual(created);
      expect((await s.review(ids, 'accepted', time(2))).map((p) => p.id)).toEqual(created);
    });

    it('saves a run whose failures quote U+0000 or a lone surrogate, with U+FFFD in their place', async () => {
      const s = await store();
      const run = emptyRun(`run-${tag()}`, 'nightly', time(1), [`sora-${tag()}`]);
      run.failures.push(
        { entity: 'broken', reason: `unparseable date "2024${NUL}-02"`, code: 'READ_ERROR' },
        { entity: `half${HIGH}`, reason: `unknown field "facts.${LOW}x"` },
      );
      await s.saveRun(run);
      expect((await s.getRun(run.id))?.failures).toEqual([
        { entity: 'broken', reason: 'unparseable date "2024\ufffd-02"', code: 'READ_ERROR' },
        { entity: 'half\ufffd', reason: 'unknown field "facts.\ufffdx"' },
      ]);
      expect((await s.listRuns(100)).find((r) => r.id === run.id)?.failures).toHaveLength(2);
    });

    it('touches the other entities of a batch when one key cannot be stored', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      await s.reconcile(entity, [soraFinding(entity)], { runId: 'r1', time: time(1) });
      expect(
        await s.touch([entity, `${entity}${NUL}`, `${entity}${HIGH}`], { runId: 'r2', time: time(2) }),
      ).toBe(1);
      expect((await listAll(s, { entity }))[0]).toMatchObject({ lastRun: 'r2', lastSeen: time(2) });
    });
  });
}
