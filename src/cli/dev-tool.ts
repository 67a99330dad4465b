// Loads the fake Wikimedia at run time for `factsync demo` and `factsync fake-wikimedia`. The fake is a
// development tool outside the product (dev/fake-wikimedia, built by `npm run build` into its own
// dist/): a clone of the repository has it, the npm package and the production Docker image do not.
// No product module imports it statically, so the product build neither needs nor carries it.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from './errors.js';

/** The fake's flags as the command line gives them (dev/fake-wikimedia/src/cli.ts). */
export interface FakeWikimediaFlags {
  host?: string;
  port?: string;
  entities?: string;
  latency?: string;
  faults?: string;
  fixtures?: string;
  seed?: string;
  rcPerDay?: string;
  wikipediaRcPerDay?: string;
}

/** The running fake, as far as the demo uses it. */
export interface RunningFake {
  readonly url: string;
  readonly wikidataUrl: string;
  readonly wikipediaUrl: string;
  readonly fixtures: { readonly items: number; readonly files: readonly string[] };
  close(): Promise<void>;
}

/**
 * What the product uses of dev/fake-wikimedia/src/cli.ts, declared here because the product build
 * (rootDir src) cannot import its types; test/unit/dev-tool.test.ts checks that the module fits.
 */
export interface FakeWikimediaTool {
  startFakeWikimedia(options: { latencyMs?: number }): Promise<RunningFake>;
  runFakeWikimedia(flags: FakeWikimediaFlags, print: (...lines: string[]) => Promise<void>): Promise<void>;
  /** Thrown for a bad flag value (the message names the flag): a usage error. */
  readonly FlagError: abstract new (
    ...args: never[]
  ) => Error;
}

/** dev/fake-wikimedia in the repository: this file is in src/cli/ (tsx, vitest) or dist/cli/ (the built CLI). */
export const FAKE_DIR = fileURLToPath(new URL('../../dev/fake-wikimedia/', import.meta.url));

/** Loads the fake's built entry module (`dir`/dist/cli.js, where a clone's `npm run build` writes it). */
export async function loadFakeWikimedia(command: string, dir = FAKE_DIR): Promise<FakeWikimediaTool> {
  const entry = path.join(dir, 'dist', 'cli.js');
  if (!existsSync(entry)) {
    if (existsSync(path.join(dir, 'src', 'cli.ts')))
      throw new UsageError(
        `${command}: the fake Wikimedia is not built (no ${entry}); run \`npm run build\` in the repository first`,
      );
    throw new UsageError(
      `${command}: the fake Wikimedia is a development tool that ships with a clone of the repository ` +
        '(dev/fake-wikimedia), not with the npm package or the production Docker image. To run the demo: ' +
        'clone the repository, run `npm ci`, then `npx factsync demo` (README, "Offline demo"; in Docker: ' +
        '"With Docker Compose").',
    );
  }
  return (await import(pathToFileURL(entry).href)) as FakeWikimediaTool;
}
