// README.md works as written: `npx factsync demo` prints what the README's sample shows (the fake's
// port, the run id and the time taken aside), its closing lines are the README's review block, and
// that block's commands all succeed when typed after the demo — in a scratch copy of the examples, as
// a reader in a fresh checkout would. A failure here after a change of the demo's output: run
// `npm run docs:samples` and review the README diff.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoReviewCommands,
  demoSample,
  factsync,
  forgetRedisPrefix,
  normalised,
  type Ran,
  readmeBlock,
  readReadme,
  scratchCheckout,
  shellWords,
} from '../../scripts/readme-demo.js';
import { REDIS_URL, redisEnv, testPrefix } from '../support/redis.js';

const prefix = testPrefix('readme');
const env = { FACTSYNC_PREFIX: prefix, ...redisEnv() };
let dir: string;
let demo: Ran;

beforeAll(async () => {
  dir = scratchCheckout();
  demo = await factsync(['demo'], dir, env);
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await forgetRedisPrefix(prefix, REDIS_URL);
});

describe('README: the offline demo', () => {
  it('prints what the README shows', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const readme = readmeBlock(readReadme(), 'output');
    expect(
      normalised(demoSample(demo)),
      'README.md shows another demo output: run `npm run docs:samples`',
    ).toEqual(normalised(readme));
  });

  it('ends with the review commands of the README, and they work as written', async () => {
    const commands = readmeBlock(readReadme(), 'review');
    expect(demoReviewCommands(demo)).toEqual(commands);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    const outputs: Record<string, string> = {};
    for (const line of commands) {
      const [npx, bin, ...args] = shellWords(line);
      expect([npx, bin], line).toEqual(['npx', 'factsync']);
      const ran = await factsync(args, dir, env);
      expect(ran.code, `${line}\n${ran.stderr}`).toBe(0);
      outputs[args[0] as string] = ran.stdout;
    }
    // They read the demo's store: the proposals it found, the ones accepted, its report.
    expect(outputs.proposals).toMatch(/^[0-9a-f]{20} {2}open /m);
    expect(outputs.accept).toMatch(/^[0-9a-f]{20} {2}decided: card /m);
    expect(outputs.reject).toMatch(/^[0-9a-f]{20} {2}decided: none /m);
    expect(outputs.apply).toMatch(/^would change examples\/cards\//m);
    expect(outputs.report).toMatch(/^# factsync run /m);
  });
});
