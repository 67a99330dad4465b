// Run by pipeline-embedded-redis.test.ts inside a network namespace of its own (`unshare -rn`), where
// nothing answers at the default Redis URL 127.0.0.1:6379 — which the machine's Redis occupies outside.
// It exercises the private-server path of `ensureRedis` and of `factsync sync`, then prints one JSON
// object with what it saw on its last line of stdout.
//
//   unshare -rn sh -c 'ip link set lo up && exec node --import tsx test/support/pipeline-embedded-probe.ts'

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL, ensureRedis, NoRedisError, redisAnswers } from '../../src/jobs/embedded-redis.js';
import { startInstallFake, writeInstallFiles } from './install.js';
import { runCli } from './spawn.js';

export interface ProbeResult {
  defaultAnswersBefore: boolean;
  direct: { url?: string; answered: boolean; answersAfterStop: boolean; dataDir: boolean };
  sync: { code: number | null; stdout: string; stderr: string; embeddedUrl?: string; answersAfter?: boolean };
  noServer: { code: number | null; stderr: string };
  leftovers: string[];
}

async function shutdown(url: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  client.disconnect();
}

/** `factsync ARGS` with exactly this environment (the fake answers from this process meanwhile). */
function cli(args: string[], env: Record<string, string>) {
  return runCli(args, { HOME: process.env.HOME ?? '/tmp', ...env }, { timeoutMs: 60_000 });
}

async function main(): Promise<ProbeResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-embedded-'));
  const leftovers: string[] = [];
  try {
    const defaultAnswersBefore = await redisAnswers(DEFAULT_REDIS_URL);

    // ensureRedis itself, at the default URL.
    const dataDir = path.join(dir, 'direct-redis');
    const embedded = await ensureRedis(DEFAULT_REDIS_URL, dataDir);
    const direct: ProbeResult['direct'] = {
      answered: embedded ? await redisAnswers(embedded.url) : false,
      answersAfterStop: false,
      dataDir: existsSync(dataDir),
    };
    if (embedded) {
      direct.url = embedded.url;
      await embedded.stop();
      direct.answersAfterStop = await redisAnswers(embedded.url, 300);
      if (direct.answersAfterStop) {
        leftovers.push(embedded.url);
        await shutdown(embedded.url);
      }
    }

    // `factsync sync` with no REDIS_URL and nothing at the default one.
    const fake = await startInstallFake({ entities: 20 });
    try {
      const files = writeInstallFiles(dir, fake, { entities: 20, file: { sync: { batchSize: 10 } } });
      const withPath = { ...files.env, PATH: process.env.PATH ?? '' };
      const run = await cli(['--config', files.configFile, 'sync'], withPath);
      const embeddedUrl = /"url":"(redis:\/\/127\.0\.0\.1:\d+)"[^\n]*private redis-server/.exec(
        run.stderr,
      )?.[1];
      const sync: ProbeResult['sync'] = { ...run, ...(embeddedUrl ? { embeddedUrl } : {}) };
      if (embeddedUrl) {
        sync.answersAfter = await redisAnswers(embeddedUrl, 300);
        if (sync.answersAfter) {
          leftovers.push(embeddedUrl);
          await shutdown(embeddedUrl);
        }
      }
      // The same with no redis-server on PATH (node is run by its full path).
      const bare = await cli(['--config', files.configFile, 'sync'], {
        ...files.env,
        PATH: path.join(dir, 'empty-bin'),
      });
      return {
        defaultAnswersBefore,
        direct,
        sync,
        noServer: { code: bare.code, stderr: bare.stderr },
        leftovers,
      };
    } finally {
      await fake.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = await main().catch((error: unknown) => {
  if (error instanceof NoRedisError) return { error: `NoRedisError: ${error.message}` };
  return { error: String((error as Error)?.stack ?? error) };
});
process.stdout.write(`\n${JSON.stringify(result)}\n`);
