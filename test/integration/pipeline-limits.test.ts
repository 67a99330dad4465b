// An entity that refers to more items than wikidata.maxReferencedItems: its names are read up to the
// cap, the fields that would need the others are left undecided — their proposals stand, nothing is
// superseded by a label-less twin — and the run says so under Warnings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/jobs/runtime.js';
import { syncNow } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/log.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { proposalLines } from '../support/proposals.js';

let install: TestInstall;
beforeAll(async () => {
  install = await testInstall('limits');
});
afterAll(async () => install?.close());

describe('referenced items over the cap', () => {
  it('reads names up to the cap, keeps the proposals as they were and warns', async () => {
    const first = await syncNow(install.runtime, { trigger: 'one-off' });
    expect(first.run.warnings ?? []).toEqual([]);
    const before = await proposalLines(install.runtime.store);
    // Labels are cached for a week: a new prefix would be a new cache; flush the label cache instead.
    const cached = await install.runtime.redis.keys(`${install.config.redis.prefix}:labels:*`);
    if (cached.length > 0) await install.runtime.redis.del(...cached);

    const capped = await openRuntime(
      { ...install.config, wikidata: { ...install.config.wikidata, maxReferencedItems: 2 } },
      createLogger('warn'),
    );
    try {
      install.fake.resetStats();
      const { run } = await syncNow(capped, { trigger: 'one-off', full: true });
      expect(run.failures.filter((f) => f.code !== 'READ_ERROR')).toEqual([]);
      expect(run.warnings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            entity: 'sora',
            code: 'TOO_MANY_VALUES',
            reason: expect.stringContaining('labels of the first 2'),
          }),
        ]),
      );
      expect(run.proposals).toMatchObject({ created: 0, resolved: 0, superseded: 0 });
      expect(await proposalLines(install.runtime.store)).toEqual(before);
    } finally {
      await capped.close();
    }
  });
});
