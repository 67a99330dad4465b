// README.md's demo section as data: its sample of `npx factsync demo`'s output and the review commands
// it tells the reader to type next, each between markers; and the demo run as a reader runs it (in a
// scratch copy of the examples, so this checkout's data/ and cards are left alone). Used by
// `npm run docs:samples` (writes the samples) and test/integration/readme-demo.test.ts (checks them).

import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliResult, runCli } from '../test/support/spawn.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const README = path.join(ROOT, 'README.md');

export type Block = 'output' | 'review';

const START = (block: Block) => `<!-- readme-demo:${block}`;
const END = (block: Block) => `<!-- /readme-demo:${block} -->`;

/** Where a block's fenced code is in `readme`: the code's first and last line, and the code. */
function locate(readme: string, block: Block): { from: number; to: number; lines: string[] } {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.startsWith(START(block)));
  const end = lines.findIndex((line, i) => i > start && line === END(block));
  const open = lines.findIndex((line, i) => i > start && line.startsWith('```'));
  const close = lines.findIndex((line, i) => i > open && line === '```');
  if (start < 0 || end < 0 || open < 0 || close < 0 || close > end)
    throw new Error(`README.md: no fenced block between "${START(block)} …" and "${END(block)}"`);
  return { from: open + 1, to: close, lines: lines.slice(open + 1, close) };
}

/** The code lines of a README block. */
export function readmeBlock(readme: string, block: Block): string[] {
  return locate(readme, block).lines;
}

/** `readme` with a block's code replaced by `code`. */
export function withBlock(readme: string, block: Block, code: readonly string[]): string {
  const { from, to } = locate(readme, block);
  const lines = readme.split('\n');
  lines.splice(from, to - from, ...code);
  return lines.join('\n');
}

/** A summary list (`requests: a 1, b 2`, `findings: …`) in one order: the order of its entries varies. */
const sortedList = (_: string, label: string, list: string) =>
  `${label}${list.split(', ').sort().join(', ')}`;

/** What varies between two demo runs: the fake's port, the run id, the time taken, the order of lists. */
export function normalised(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
      .replace(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-[0-9a-f]{4}/g, 'RUN-ID')
      .replace(/ in \d+\.\d s\b/g, ' in N s')
      .replace(/^(requests: |.* — findings: )(.*)$/, sortedList),
  );
}

/** A README command line as arguments: words, "double-quoted" words, a trailing `# comment` dropped. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(#.*$)|(\S+)/g)) {
    if (match[2] !== undefined) break;
    words.push(match[1] ?? match[3] ?? '');
  }
  return words;
}

/** What a command printed, and its exit code. */
export type Ran = CliResult;

/** A scratch directory laid out like a checkout for the demo: the example cards and config/demo.yaml. */
export function scratchCheckout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-readme-'));
  cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  mkdirSync(path.join(dir, 'config'));
  cpSync(path.join(ROOT, 'config', 'demo.yaml'), path.join(dir, 'config', 'demo.yaml'));
  return dir;
}

/** `npx factsync ARGS` as a reader types it, in `cwd`: the built bin of this checkout. */
export function factsync(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Ran> {
  return runCli([...args], env, { cwd, timeoutMs: 600_000 });
}

/** The demo's output as the README shows it: the command, then what it printed (stderr's line first). */
export function demoSample(ran: Ran): string[] {
  const lines = (text: string) => text.split('\n').filter((line) => line !== '');
  return ['$ npx factsync demo', ...lines(ran.stderr), ...lines(ran.stdout)];
}

/** The review commands the demo's closing lines tell the reader to type. */
export function demoReviewCommands(ran: Ran): string[] {
  return ran.stdout
    .split('\n')
    .filter((line) => line.startsWith('  npx factsync '))
    .map((line) => line.trim());
}

export const readReadme = (): string => readFileSync(README, 'utf8');

/**
 * Deletes what a demo run left in Redis: every key starting with `prefix` (the demo adds `-demo` to the
 * prefix it is given), so `prefix` must be one of its own (random).
 */
export async function forgetRedisPrefix(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
