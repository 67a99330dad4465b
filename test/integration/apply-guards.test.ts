// `apply` never leaves a false sentence (issue 16, point 2), end to end on copies of the example cards and
// of the example JSONL, with a real SQLite store: a line that says more about the value than the value
// needs a person and stays byte for byte; a record edited since the run, or an entity a later run read
// without finding the difference again, is refused with its reason; the decisions stay for later.

import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSyncState } from '../../src/jobs/state-read.js';
import { applyAccepted, REFUSED } from '../../src/local/write/index.js';
import { openStore } from '../../src/sinks/open-store.js';
import { finding, propose, records, stamped, statuses } from '../support/apply.js';
import { INSTALL_USER_AGENT, testConfig } from '../support/config.js';
import { connectRedis, dropPrefix, REDIS_URL, testPrefix } from '../support/redis.js';
import { runCli } from '../support/spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'factsync-apply-guards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLES = new URL('../../examples/', import.meta.url);
const now = () => '2025-10-02T08:00:00.000Z';
const RUN_2 = { runId: 'run-2', time: '2025-10-02T03:00:00.000Z' };

function copyCards(folder: string): string {
  const cards = path.join(dir, folder, 'cards');
  mkdirSync(cards, { recursive: true });
  for (const name of readdirSync(new URL('cards/', EXAMPLES)))
    copyFileSync(new URL(`cards/${name}`, EXAMPLES), path.join(cards, name));
  return cards;
}

const lineNumber = (text: string, start: string) =>
  text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

describe('apply on the example cards, whose lines say more than their values', () => {
  const cards = copyCards('clauses');
  const root = path.dirname(cards);
  // The clause carries a terminal escape: the listing shows it escaped, never raw.
  const gpt4 = path.join(cards, 'gpt-4.md');
  writeFileSync(gpt4, readFileSync(gpt4, 'utf8').replace('the 2020 model of', 'the 2020 model\u001b[2J of'));
  const configFile = path.join(root, 'factsync.yaml');
  writeFileSync(configFile, 'local:\n  kind: cards\n  path: cards\nstore:\n  path: factsync.db\n');
  const config = testConfig({
    'local.kind': 'cards',
    'local.path': cards,
    'store.path': path.join(root, 'factsync.db'),
  });
  const env = { FACTSYNC_USER_AGENT: INSTALL_USER_AGENT, FACTSYNC_LOG_LEVEL: 'warn' };
  const cli = (...args: string[]) => runCli([...args, '--config', configFile], env, { cwd: root });

  it('lists the clause lines as needing a person, writes none of them, and rewrites the value-only lines', async () => {
    const store = await openStore(config);
    let ids: string[];
    try {
      ids = await propose(
        store,
        await stamped(config, [
          finding('gpt-4', 'Q116709136', 'follows', 'update', { label: 'GPT-3' }, { label: 'GPT-3.5' }),
          finding('sora', 'Q124544998', 'announced', 'update', '2024-02-15', '2024-02-16'),
          finding(
            'sora',
            'Q124544998',
            'instanceOf',
            'update',
            [
              { label: 'artificial intelligence model' },
              { label: 'diffusion model' },
              { label: 'text-to-video model' },
            ],
            [{ label: 'diffusion model' }, { label: 'text-to-video model' }, { label: 'transformer' }],
          ),
        ]),
      );
      await store.review(ids, 'accepted', now());
    } finally {
      await store.close();
    }
    const [follows, announced, instanceOf] = ids;
    const gpt4Before = readFileSync(gpt4);
    const soraBefore = readFileSync(path.join(cards, 'sora.md'), 'utf8');
    const followsLine = lineNumber(gpt4Before.toString('utf8'), '- Follows GPT-3');
    const summaryLine = lineNumber(soraBefore, 'Sora is a generative model');
    const expected = [
      `needs a person: ${follows} (gpt-4 · follows · update): cards/gpt-4.md:${followsLine} "- Follows GPT-3, the 2020 model\\x1b[2J of the same series" says more than the value (after it: ", the 2020 model\\x1b[2J of the same series"); edit that line by hand — nothing was written, the decision stays`,
      `needs a person: ${announced} (sora · announced · update): cards/sora.md:${summaryLine} "Sora is a generative model`,
    ];

    for (const args of [['apply', '--dry-run'], ['apply']]) {
      const ran = await cli(...args);
      expect(ran.code, ran.stderr).toBe(0);
      for (const line of expected) expect(ran.stdout).toContain(line);
      expect(ran.stdout + ran.stderr).not.toContain('\u001b');
      expect(ran.stderr).toMatch(
        /3 proposals decided for the card: 1 (would be )?applied, 2 need a person, 0 refused, 0 skipped, 1 files/,
      );
    }

    expect(readFileSync(gpt4).equals(gpt4Before)).toBe(true);
    const soraAfter = readFileSync(path.join(cards, 'sora.md'), 'utf8');
    expect(soraAfter).toContain('\n- First announced on February 15, 2024\n'); // value-only, but the Summary is not
    expect(soraAfter).toContain(
      '\n- Classified as a text-to-video model, diffusion model, and transformer\n',
    );
    expect(soraAfter.split('\n')[summaryLine - 1]).toBe(soraBefore.split('\n')[summaryLine - 1]);
    const check = await openStore(config);
    try {
      expect(await statuses(check, ids)).toEqual(['decided', 'decided', 'applied']);
      expect(instanceOf).toBeDefined();
    } finally {
      await check.close();
    }
  });
});

describe('apply refuses what moved since the run', () => {
  it('a card edited since the run is not written over; an edit that changes no fact does not stop it', async () => {
    const cards = copyCards('edited');
    const config = testConfig({
      'local.kind': 'cards',
      'local.path': cards,
      'store.path': path.join(path.dirname(cards), 'factsync.db'),
    });
    const store = await openStore(config);
    try {
      const [chatgpt, sora2, legacy] = await propose(store, [
        ...(await stamped(config, [
          finding('chatgpt', 'Q115564437', 'announced', 'add', null, '2022-11-30'),
          finding('sora-2', 'Q136505399', 'wikipedia', 'add', null, { lang: 'en', title: 'Sora 2' }),
        ])),
        // Stored before proposals kept their record's hash.
        finding('stable-diffusion', 'Q113660857', 'followedBy', 'add', null, { label: 'SDXL' }),
      ]);
      await store.review([chatgpt, sora2, legacy] as string[], 'accepted', now());
      // After the run: an editor adds a developer to ChatGPT, and fixes a typo in Sora 2's FAQs.
      const chatgptFile = path.join(cards, 'chatgpt.md');
      writeFileSync(
        chatgptFile,
        readFileSync(chatgptFile, 'utf8').replace(
          '- Developed by OpenAI',
          '- Developed by OpenAI and Microsoft',
        ),
      );
      const sora2File = path.join(cards, 'sora-2.md');
      writeFileSync(sora2File, readFileSync(sora2File, 'utf8').replace('## FAQs', '## FAQs\n'));
      const edited = readFileSync(chatgptFile);

      const result = await applyAccepted({ store, config, now });
      expect(result.applied).toEqual([sora2]);
      expect(result.skipped).toEqual([
        expect.objectContaining({
          id: chatgpt,
          code: REFUSED.localChanged,
          reason: expect.stringContaining(
            'the card changed since run run-1 compared it: not written over the edit',
          ),
        }),
        expect.objectContaining({
          id: legacy,
          code: REFUSED.noRecordHash,
          reason: expect.stringContaining('`factsync sync stable-diffusion --full`'),
        }),
      ]);
      expect(readFileSync(chatgptFile).equals(edited)).toBe(true);
      expect(await statuses(store, [chatgpt, sora2, legacy] as string[])).toEqual([
        'decided',
        'applied',
        'decided',
      ]);
    } finally {
      await store.close();
    }
  });

  it('a difference a later run read the item again without finding is left for the next run', async () => {
    const cards = copyCards('moved');
    const config = testConfig({
      'local.kind': 'cards',
      'local.path': cards,
      'store.path': path.join(path.dirname(cards), 'factsync.db'),
    });
    const store = await openStore(config);
    const bytes = () =>
      new Map(readdirSync(cards).map((n) => [n, readFileSync(path.join(cards, n), 'utf8')]));
    try {
      const rev = (revision: number) => ({ revision });
      const [reverted, confirmed] = await propose(
        store,
        await stamped(config, [
          finding('chatgpt', 'Q115564437', 'announced', 'add', null, '2022-11-30', rev(100)),
          finding(
            'sora-2',
            'Q136505399',
            'wikipedia',
            'add',
            null,
            { lang: 'en', title: 'Sora 2' },
            rev(200),
          ),
        ]),
      );
      await store.review([reverted, confirmed] as string[], 'accepted', now());
      // The next run reads both items at new revisions: ChatGPT's announcement date is gone from
      // Wikidata (only another difference is found), Sora 2's page is still the same difference.
      await store.reconcile(
        'chatgpt',
        await stamped(config, [
          finding('chatgpt', 'Q115564437', 'owner', 'add', null, [{ label: 'Microsoft' }], rev(101)),
        ]),
        RUN_2,
      );
      await store.reconcile(
        'sora-2',
        await stamped(config, [
          finding(
            'sora-2',
            'Q136505399',
            'wikipedia',
            'add',
            null,
            { lang: 'en', title: 'Sora 2' },
            rev(201),
          ),
        ]),
        RUN_2,
      );
      const before = bytes();

      const result = await applyAccepted({ store, config, now });
      expect(result.applied).toEqual([confirmed]);
      expect(result.skipped).toEqual([
        expect.objectContaining({
          id: reverted,
          code: REFUSED.remoteMoved,
          reason: expect.stringContaining(
            "Wikidata's item moved from revision 100 (what was reviewed) to 101 (read by run run-2), and this difference was not found there: not written; the next run re-checks it (`factsync refresh chatgpt` does now)",
          ),
        }),
      ]);
      expect(bytes().get('chatgpt.md')).toBe(before.get('chatgpt.md'));
      expect(bytes().get('sora-2.md')).not.toBe(before.get('sora-2.md'));
      expect(await statuses(store, [reverted, confirmed] as string[])).toEqual(['decided', 'applied']);
    } finally {
      await store.close();
    }
  });

  it('the sync state tells what the store cannot: a difference the last comparison of an entity with no other proposal no longer found', async () => {
    const cards = copyCards('state');
    const root = path.dirname(cards);
    const prefix = testPrefix('apply-state');
    const config = testConfig({
      'local.kind': 'cards',
      'local.path': cards,
      'store.path': path.join(root, 'factsync.db'),
      'redis.url': REDIS_URL,
      'redis.prefix': prefix,
    });
    const redis = connectRedis();
    const store = await openStore(config);
    let refusedId: string | undefined;
    try {
      const [reverted, standing] = await propose(
        store,
        await stamped(config, [
          finding('chatgpt', 'Q115564437', 'announced', 'add', null, '2022-11-30', { revision: 100 }),
          finding(
            'sora-2',
            'Q136505399',
            'wikipedia',
            'add',
            null,
            { lang: 'en', title: 'Sora 2' },
            { revision: 200 },
          ),
        ]),
      );
      await store.review([reverted, standing] as string[], 'accepted', now());
      const lastCompared = (keys: readonly string[]) => readSyncState(store, keys);
      // The proposal store alone has no trace of a later look at ChatGPT: it would be written.
      const blind = await applyAccepted({ store, config, now, dryRun: true, lastCompared });
      expect(blind.counts).toMatchObject({ applied: 2, skipped: 0 });
      // The next night read ChatGPT's item at revision 101 and found nothing to propose (its date was
      // a vandal's, reverted); Sora 2's item still at 200.
      const state = (qid: string, itemRev: number) => ({
        qid: qid as `Q${number}`,
        itemRev,
        recordHash: 'not read here',
        checkedAt: '2025-10-02T03:00:00.000Z',
      });
      await store.saveSyncStates(
        new Map([
          ['chatgpt', state('Q115564437', 101)],
          ['sora-2', state('Q136505399', 200)],
        ]),
      );
      const before = readFileSync(path.join(cards, 'chatgpt.md'));

      const result = await applyAccepted({ store, config, now, lastCompared });
      expect(result.applied).toEqual([standing]);
      expect(result.skipped).toEqual([
        expect.objectContaining({
          id: reverted,
          code: REFUSED.remoteMoved,
          reason: expect.stringContaining(
            "Wikidata's item was at revision 101 when factsync last compared it (2025-10-02T03:00:00.000Z), and this difference was found at revision 100: not written",
          ),
        }),
      ]);
      expect(readFileSync(path.join(cards, 'chatgpt.md')).equals(before)).toBe(true);
      expect(await statuses(store, [reverted, standing] as string[])).toEqual(['decided', 'applied']);
      refusedId = reverted;
    } finally {
      await store.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }

    // Without Redis, apply still checks the sync state: the proposal store keeps it.
    writeFileSync(
      path.join(root, 'factsync.yaml'),
      'local:\n  kind: cards\n  path: cards\nstore:\n  path: factsync.db\n',
    );
    const env = {
      FACTSYNC_USER_AGENT: INSTALL_USER_AGENT,
      REDIS_URL: 'redis://127.0.0.1:1',
    };
    const ran = await runCli(['apply', '--dry-run', '--config', path.join(root, 'factsync.yaml')], env, {
      cwd: root,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).not.toContain('nothing answers at redis.url');
    expect(ran.stderr).toContain(`refused ${refusedId}`);
  });

  it('the same guards hold for a JSONL store', async () => {
    const file = path.join(dir, 'entities.jsonl');
    copyFileSync(new URL('entities.jsonl', EXAMPLES), file);
    const config = testConfig({
      'local.kind': 'jsonl',
      'local.path': file,
      'store.path': path.join(dir, 'jsonl.db'),
    });
    const store = await openStore(config);
    try {
      const [openai, sora, chatgpt] = await propose(
        store,
        await stamped(config, [
          finding('openai', 'Q21708200', 'inception', 'update', '2015-12', '2015-12-11', { revision: 1 }),
          finding('sora', 'Q124544998', 'announced', 'update', '2024-02-15', '2024-02-16', { revision: 1 }),
          finding('chatgpt', 'Q115564437', 'label', 'update', 'ChatGPT', 'Chat GPT', { revision: 1 }),
        ]),
      );
      await store.review([openai, sora, chatgpt] as string[], 'accepted', now());
      // OpenAI's line is edited after the run; a later run reads Sora's item and no longer finds its
      // difference; ChatGPT's stands.
      const text = readFileSync(file, 'utf8').replace(
        '"website":"https://openai.com/"',
        '"website":"https://openai.com/about"',
      );
      writeFileSync(file, text);
      await store.reconcile(
        'sora',
        await stamped(config, [
          finding('sora', 'Q124544998', 'label', 'update', 'Sora', 'Sora (model)', { revision: 2 }),
        ]),
        RUN_2,
      );

      const result = await applyAccepted({ store, config, now });
      expect(result.applied).toEqual([chatgpt]);
      expect(new Map(result.skipped.map((s) => [s.id, s.code]))).toEqual(
        new Map([
          [openai, REFUSED.localChanged],
          [sora, REFUSED.remoteMoved],
        ]),
      );
      expect(result.skipped.find((s) => s.id === openai)?.reason).toContain(
        'the JSONL record changed since run run-1 compared it',
      );
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines.find((l) => l.includes('"key":"openai"'))).toContain('"inception":"2015-12"');
      expect(lines.find((l) => l.includes('"key":"sora"'))).toContain('"announced":"2024-02-15"');
      expect((await records(config)).get('chatgpt')?.label).toBe('Chat GPT');
    } finally {
      await store.close();
    }
  });
});
