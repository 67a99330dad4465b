// The conformance tests of reviews, run by every adapter inside storeConformance: decisions by side
// (accepted and rejected as the aliases of the natural side and none), a side kept off the kinds that do
// not allow it, snoozes that come back as open on their date, and markApplied only for the card's sides.

import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/model/proposal.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { announcedFinding, soraFinding, tag, time } from './store-findings.js';

export function reviewConformance(store: () => Promise<ProposalStore>): void {
  describe('review', () => {
    it('decides by side: accepted is the natural side, rejected none; applied once, and no further', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const { created } = await s.reconcile(entity, [soraFinding(entity), announcedFinding(entity)], {
        runId: 'r1',
        time: time(1),
      });
      const [a, b] = created as [string, string];
      const accepted = await s.review([a, 'unknown'], 'accepted', time(2), 'confirmed on the studio site');
      expect(accepted).toEqual([
        expect.objectContaining({
          id: a,
          status: 'decided',
          side: 'card',
          reviewedAt: time(2),
          note: 'confirmed on the studio site',
        }),
      ]);
      expect((await s.review([a], 'rejected', time(3), 'duplicate'))[0]).toMatchObject({
        status: 'decided',
        side: 'none',
        note: 'duplicate',
        reviewedAt: time(3),
      });
      const [wikidata] = await s.review([a], { side: 'wikidata' }, time(4));
      expect(wikidata).toMatchObject({ status: 'decided', side: 'wikidata' });
      expect(wikidata?.note).toBeUndefined();
      // Only the card's sides are applied: a Wikidata decision is the exports' business.
      await s.markApplied([a], time(5));
      expect((await s.get([a]))[0]?.status).toBe('decided');
      await s.review([a], { side: 'both' }, time(6));

      await s.markApplied([a, b], time(7));
      expect((await s.get([a, b])).map((p) => [p.status, p.side ?? null])).toEqual([
        ['applied', 'both'],
        ['open', null],
      ]);
      expect(await s.review([a], 'rejected', time(8), 'too late')).toEqual([]);
      expect((await s.get([a]))[0]).toMatchObject({ status: 'applied', side: 'both', reviewedAt: time(6) });
      expect(await s.list({ side: ['both'], entity }, { limit: 10 })).toMatchObject({
        proposals: [{ id: a }],
      });

      await s.reconcile(entity, [], { runId: 'r2', time: time(9) });
      const [, resolved] = await s.get([a, b]);
      expect(resolved?.status).toBe('resolved');
      expect(await s.review([b], 'accepted', time(10))).toEqual([]);
    });

    it('gives each kind its natural side, and leaves a proposal whose kind does not allow the side', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const upstream = soraFinding(entity, { kind: 'upstream', local: 'Sora 2', remote: null });
      const local = announcedFinding(entity, { kind: 'local-conflict' });
      const { created } = await s.reconcile(entity, [upstream, local], { runId: 'r1', time: time(1) });
      const [up, lc] = [fingerprint(upstream), fingerprint(local)];
      expect([...created].sort()).toEqual([up, lc].sort());
      expect((await s.review([up, lc], 'accepted', time(2))).map((p) => [p.id, p.side])).toEqual([
        [up, 'wikidata'],
        [lc, 'card'],
      ]);
      // An upstream finding is never the card's to take, a local conflict never Wikidata's.
      expect((await s.review([up, lc], { side: 'card' }, time(3))).map((p) => p.id)).toEqual([lc]);
      expect((await s.review([up, lc], { side: 'wikidata' }, time(4))).map((p) => p.id)).toEqual([up]);
      expect((await s.get([up, lc])).map((p) => [p.side, p.reviewedAt])).toEqual([
        ['wikidata', time(4)],
        ['card', time(3)],
      ]);
    });

    it('snoozes until a date: still snoozed before it, open again (note kept) from it on', async () => {
      const s = await store();
      const entity = `sora-${tag()}`;
      const later = soraFinding(entity);
      const due = announcedFinding(entity);
      await s.reconcile(entity, [later, due], { runId: 'r1', time: time(1) });
      const [l, d] = [fingerprint(later), fingerprint(due)];
      await s.review([l], 'rejected', time(2), 'ask again later');
      const snoozed = await s.review([l], { until: '2999-01-01' }, time(3), 'ask again later');
      expect(snoozed[0]).toMatchObject({ status: 'snoozed', snoozedUntil: '2999-01-01' });
      expect(snoozed[0]?.side).toBeUndefined();
      // Dated today: due from 00:00 UTC, so open at once.
      await s.review([d], { until: new Date().toISOString().slice(0, 10) }, time(3), 'after the launch');
      expect((await s.get([l, d])).map((p) => [p.status, p.snoozedUntil ?? null, p.note ?? null])).toEqual([
        ['snoozed', '2999-01-01', 'ask again later'],
        ['open', null, 'after the launch'],
      ]);
      expect(await s.count({ entity, status: ['open'] })).toBe(1);
      // A run leaves a snooze alone, as any decision; a decision may replace it.
      await s.reconcile(entity, [], { runId: 'r2', time: time(4) });
      expect((await s.get([l, d])).map((p) => p.status)).toEqual(['snoozed', 'resolved']);
      expect((await s.review([l], { side: 'card' }, time(5)))[0]).toMatchObject({
        status: 'decided',
        side: 'card',
      });
      expect((await s.get([l]))[0]?.snoozedUntil).toBeUndefined();
    });

    it("holds a run's new open proposals, leaves decisions alone, and releases or discards them", async () => {
      const s = await store();
      const entity = `held-${tag()}`;
      const [first, later] = [`held-a-${tag()}`, `held-b-${tag()}`];
      const { created } = await s.reconcile(entity, [soraFinding(entity), announcedFinding(entity)], {
        runId: first,
        time: time(1),
      });
      const [a, b] = created as [string, string];
      await s.review([b], { side: 'card' }, time(2));
      expect(await s.holdRun(first, 'hold')).toEqual([a]);
      expect((await s.get([a, b])).map((p) => p.status)).toEqual(['held', 'decided']);
      expect(await s.count({ status: ['open'], entity })).toBe(0);
      // A later run finds it again: still held (only a person moves it), and not that run's to hold.
      await s.reconcile(entity, [soraFinding(entity), announcedFinding(entity)], {
        runId: later,
        time: time(3),
      });
      expect((await s.get([a]))[0]?.status).toBe('held');
      expect(await s.holdRun(later, 'hold')).toEqual([]);
      expect(await s.holdRun(first, 'release')).toEqual([a]);
      expect((await s.get([a]))[0]?.status).toBe('open');
      // Discarding is a person's decision `none` on what is held.
      await s.holdRun(first, 'hold');
      const [discarded] = await s.review([a], { side: 'none' }, time(4), 'discarded');
      expect(discarded).toMatchObject({ status: 'decided', side: 'none' });
      expect(await s.holdRun(first, 'release')).toEqual([]);
    });
  });
}
