// What the demo tells its user to type next, on plain data: which proposals its sample review takes,
// and the --config that reads the demo's store.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSteps, sampleReview } from '../../src/cli/demo-next.js';
import type { Proposal } from '../../src/model/proposal.js';

const proposal = (id: string, entity: string, field: string, kind = 'add') =>
  ({ id, entity, field, kind }) as unknown as Proposal;

describe('sampleReview', () => {
  it('takes the add proposals of the entity with the most of them, by field', () => {
    const open = [
      proposal('a1', 'alpha', 'owner'),
      proposal('b3', 'beta', 'published'),
      proposal('b1', 'beta', 'inception'),
      proposal('b0', 'beta', 'website', 'upstream'),
      proposal('b2', 'beta', 'owner'),
    ];
    expect(sampleReview(open).map((p) => p.id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('breaks a tie by entity key, and takes nothing when nothing is to add', () => {
    expect(
      sampleReview([proposal('z', 'zeta', 'owner'), proposal('e', 'eta', 'owner')]).map((p) => p.id),
    ).toEqual(['e']);
    expect(sampleReview([proposal('u', 'beta', 'website', 'upstream')])).toEqual([]);
  });
});

describe('nextSteps', () => {
  const checkout = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'factsync-demo-next-'));
    mkdirSync(path.join(dir, 'config'));
    writeFileSync(path.join(dir, 'config', 'demo.yaml'), 'store:\n  path: ../data/demo.db\n');
    return dir;
  };

  it('names config/demo.yaml in every command when it reads the demo store', () => {
    const cwd = checkout();
    const lines = nextSteps({
      storePath: path.join(cwd, 'data', 'demo.db'),
      sample: [
        proposal('p1', 'sora', 'inception'),
        proposal('p2', 'sora', 'owner'),
        proposal('p3', 'sora', 'x'),
      ],
      cwd,
    });
    expect(lines[0]).toContain('(data/demo.db)');
    expect(lines.slice(1)).toEqual([
      '  npx factsync proposals --config config/demo.yaml',
      '  npx factsync accept p1 p2 --config config/demo.yaml',
      '  npx factsync reject p3 --note "not what the card means" --config config/demo.yaml',
      '  npx factsync apply --dry-run --config config/demo.yaml',
      '  npx factsync report --config config/demo.yaml',
    ]);
  });

  it('says which store.path to point at when no demo config reads the store', () => {
    const cwd = checkout();
    const lines = nextSteps({ storePath: path.join(cwd, 'elsewhere', 'demo.db'), sample: [], cwd });
    expect(lines).toEqual([
      'the findings are in elsewhere/demo.db: review them with --config FILE, a file that sets store.path: elsewhere/demo.db',
    ]);
  });
});
