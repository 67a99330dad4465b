// The product's run-time link to the fake Wikimedia (src/cli/dev-tool.ts): the fake's entry module fits
// what `factsync demo` and `factsync fake-wikimedia` use of it, the help text's Q-id matches the fake's,
// and without the fake (the npm package, the production image) the commands say what it is and how to
// run the demo.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fakeEntry from '../../dev/fake-wikimedia/src/cli.js';
import { GENERATED_BASE as FAKE_GENERATED_BASE } from '../../dev/fake-wikimedia/src/index.js';
import { FAKE_DIR, type FakeWikimediaTool, loadFakeWikimedia } from '../../src/cli/dev-tool.js';
import { UsageError } from '../../src/cli/errors.js';
import { GENERATED_BASE } from '../../src/cli/fake-wikimedia.js';
import { ROOT } from '../support/spawn.js';

describe('the fake Wikimedia as a run-time dev tool', () => {
  it("has an entry module that fits the product's declaration of it", () => {
    // Checked by tsc: a change of the fake's entry that the product would trip over fails typecheck.
    const tool: FakeWikimediaTool = fakeEntry;
    expect(typeof tool.startFakeWikimedia).toBe('function');
    expect(typeof tool.runFakeWikimedia).toBe('function');
    expect(new fakeEntry.FlagError('--port: x')).toBeInstanceOf(tool.FlagError);
  });

  it("is looked for in the clone's dev/fake-wikimedia", () => {
    expect(FAKE_DIR).toBe(`${path.join(ROOT, 'dev', 'fake-wikimedia')}${path.sep}`);
  });

  it('names the same first generated item in the help as the fake generates', () => {
    expect(GENERATED_BASE).toBe(FAKE_GENERATED_BASE);
  });

  it('when absent, ends with a usage error saying it is a dev tool and how to run the demo', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'factsync-dev-tool-'));
    const error = await loadFakeWikimedia('demo', empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /^demo: the fake Wikimedia is a development tool that ships with a clone/,
    );
    expect((error as Error).message).toContain('`npx factsync demo` (README, "Offline demo"');
  });

  it('in a clone not yet built, asks for `npm run build`', async () => {
    const clone = mkdtempSync(path.join(tmpdir(), 'factsync-dev-tool-'));
    mkdirSync(path.join(clone, 'src'));
    writeFileSync(path.join(clone, 'src', 'cli.ts'), '');
    const error = await loadFakeWikimedia('fake-wikimedia', clone).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('fake-wikimedia: the fake Wikimedia is not built');
    expect((error as Error).message).toContain('run `npm run build`');
  });
});
