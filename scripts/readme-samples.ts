// `npm run docs:samples`: runs `npx factsync demo` as a reader would (in a scratch copy of the examples,
// against the fake Wikimedia) and writes its real output and the review commands it prints into
// README.md, between the readme-demo markers. Needs Redis (or redis-server on PATH), like the demo.

import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import {
  demoReviewCommands,
  demoSample,
  factsync,
  forgetRedisPrefix,
  README,
  readReadme,
  scratchCheckout,
  withBlock,
} from './readme-demo.js';

const dir = scratchCheckout();
// A key prefix of its own on a shared Redis, deleted afterwards.
const prefix = `factsync-docs-${randomUUID().slice(0, 8)}`;
try {
  const ran = await factsync(['demo'], dir, { FACTSYNC_PREFIX: prefix });
  if (ran.code !== 0) throw new Error(`factsync demo exited ${ran.code}:\n${ran.stderr}`);
  let readme = withBlock(readReadme(), 'output', demoSample(ran));
  readme = withBlock(readme, 'review', demoReviewCommands(ran));
  writeFileSync(README, readme);
  process.stdout.write(
    `README.md: demo output and review commands written (${demoSample(ran).length} lines)\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await forgetRedisPrefix(prefix).catch(() => undefined);
}
