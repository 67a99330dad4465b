// The morning review through the CLI, as a reviewer types it: sync, proposals, accept, reject,
// apply, export and report, against the fake Wikimedia and a SQLite store.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli.js';
import { type TestInstall, testInstall } from '../helpers/pipeline.js';

let install: TestInstall;
const cli = (...args: string[]) => runCli([...args, '--config', install.configFile], install.env);

beforeAll(async () => {
  install = await testInstall('review');
});
afterAll(async () => install?.close());

describe('the review commands', () => {
  it('sync prints a summary and the report path', async () => {
    const { code, stdout, stderr } = await cli('sync');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/entities: 9 seen, 9 fetched, 0 unchanged \(skipped\), 0 failed, 1 unreadable/);
    expect(stdout).toMatch(/report: .*\.html/);
  });

  it('proposals --json prints proposals in the form of SPEC §4', async () => {
    const { code, stdout } = await cli('proposals', '--json', '--entity', 'sora');
    expect(code).toBe(0);
    const proposals = jsonLines(stdout);
    expect(proposals.map((p) => p.field).sort()).toEqual(['inception', 'owner', 'published']);
    expect(Object.keys(proposals[0] ?? {}).slice(0, 12)).toEqual([
      'id',
      'entity',
      'qid',
      'field',
      'property',
      'kind',
      'local',
      'remote',
      'evidence',
      'status',
      'firstSeen',
      'lastSeen',
    ]);
  });

  it('filters, accepts, rejects with a note, and refuses bad filter values', async () => {
    const listed = jsonLines((await cli('proposals', '--json', '--kind', 'add', '--entity', 'sora')).stdout);
    const [owner, published] = [
      listed.find((p) => p.field === 'owner'),
      listed.find((p) => p.field === 'published'),
    ];
    expect((await cli('accept', String(owner?.id))).code).toBe(0);
    expect((await cli('reject', String(published?.id), '--note', 'release, not publication')).code).toBe(0);
    const after = jsonLines((await cli('proposals', '--json', '--entity', 'sora')).stdout);
    expect(after.find((p) => p.id === owner?.id)?.status).toBe('accepted');
    expect(after.find((p) => p.id === published?.id)).toMatchObject({
      status: 'rejected',
      note: 'release, not publication',
    });
    const unknown = await cli('accept', 'no-such-proposal');
    expect(unknown.code).toBe(1);
    const bad = await cli('proposals', '--kind', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kind: "bogus" is not one of');
  });

  it('apply writes the accepted value into the card and marks it applied', async () => {
    const dry = await cli('apply', '--dry-run');
    expect(dry.stdout).toContain('would change');
    expect(readFileSync(`${install.cards}/sora.md`, 'utf8')).not.toMatch(/Owned by OpenAI/i);
    const { code } = await cli('apply');
    expect(code).toBe(0);
    expect(readFileSync(`${install.cards}/sora.md`, 'utf8')).toMatch(/owned by OpenAI/i);
    const owner = jsonLines(
      (await cli('proposals', '--json', '--entity', 'sora', '--field', 'owner')).stdout,
    );
    expect(owner[0]?.status).toBe('applied');
  });

  it('export gives QuickStatements for upstream proposals only', async () => {
    const { code, stdout, stderr } = await cli('export', '--format', 'quickstatements');
    expect(code).toBe(0);
    for (const line of stdout.trim().split('\n').filter(Boolean)) expect(line).toMatch(/^Q\d+\t/);
    expect(stderr).toMatch(/proposals exported as quickstatements/);
  });

  it('report shows the last run', async () => {
    const { code, stdout } = await cli('report');
    expect(code).toBe(0);
    expect(stdout).toContain('# factsync run');
    const path = (await cli('report', '--format', 'html', '--path')).stdout.trim();
    expect(readFileSync(path, 'utf8')).toContain('<!doctype html>');
  });
});
