// The morning review through the CLI, as a reviewer types it: sync, proposals, accept, reject,
// apply, export and report, against the fake Wikimedia and a SQLite store.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/proposal.js';
import { openStore } from '../../src/sinks/open-store.js';
import { controlsIn } from '../support/controls.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { jsonLines, runCli } from '../support/spawn.js';

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
    // accept is the kind's natural side (the card, for an add), reject is none.
    expect(after.find((p) => p.id === owner?.id)).toMatchObject({ status: 'decided', side: 'card' });
    expect(after.find((p) => p.id === published?.id)).toMatchObject({
      status: 'decided',
      side: 'none',
      note: 'release, not publication',
    });
    const unknown = await cli('accept', 'no-such-proposal');
    expect(unknown.code).toBe(1);
    const bad = await cli('proposals', '--kind', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kind: "bogus" is not one of');
    // Six runs of the bin: more than the default 30 s on a loaded machine.
  }, 90_000);

  it('decide takes a side the kind allows, refuses the others by name, and snoozes until a date', async () => {
    const [upstream] = jsonLines((await cli('proposals', '--json', '--kind', 'upstream')).stdout);
    const [other] = jsonLines(
      (await cli('proposals', '--json', '--kind', 'update', '--status', 'open')).stdout,
    );
    expect(upstream?.id && other?.id).toBeTruthy();
    const [up, update] = [String(upstream?.id), String(other?.id)];

    // An upstream finding is Wikidata's to take, never the card's: refused, named, exit 1; the
    // update in the same command is decided.
    const refused = await cli('decide', up, update, '--side', 'card', '--note', 'the card is behind');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `refused ${up}: a upstream proposal cannot be decided "card"; allowed: wikidata, none`,
    );
    expect(refused.stdout).toMatch(new RegExp(`^${update} {2}decided: card `, 'm'));

    expect((await cli('decide', up, '--side', 'wikidata')).code).toBe(0);
    const snooze = await cli('decide', update, '--until', '2999-01-01', '--note', 'after the launch');
    expect(snooze.stdout).toMatch(new RegExp(`^${update} {2}snoozed until 2999-01-01 `, 'm'));
    const decided = jsonLines((await cli('proposals', '--json', '--side', 'wikidata')).stdout);
    expect(decided.map((p) => p.id)).toContain(up);
    const [snoozed] = jsonLines((await cli('proposals', '--json', '--status', 'snoozed')).stdout);
    expect(snoozed).toMatchObject({ id: update, snoozedUntil: '2999-01-01', note: 'after the launch' });

    const usage = await cli('decide', up);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('decide: give --side card|wikidata|both|none, or --until DATE to snooze');
    const badDate = await cli('decide', up, '--until', 'next week');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--until: expected a date as YYYY-MM-DD, got "next week"');
    // Nine runs of the bin.
  }, 120_000);

  it('apply writes the accepted value into the card and marks it applied', async () => {
    const dry = await cli('apply', '--dry-run');
    expect(dry.stdout).toContain('would change');
    expect(readFileSync(`${install.local}/sora.md`, 'utf8')).not.toMatch(/Owned by OpenAI/i);
    const { code } = await cli('apply');
    expect(code).toBe(0);
    expect(readFileSync(`${install.local}/sora.md`, 'utf8')).toMatch(/owned by OpenAI/i);
    const owner = jsonLines(
      (await cli('proposals', '--json', '--entity', 'sora', '--field', 'owner')).stdout,
    );
    expect(owner[0]?.status).toBe('applied');
  });

  it('export carries the decisions for Wikidata, the open findings with --undecided, and a results file', async () => {
    const decided = await cli('export', '--format', 'quickstatements');
    expect(decided.code).toBe(0);
    const lines = decided.stdout.trim().split('\n').filter(Boolean);
    // The upstream proposal decided "wikidata" above, and nothing undecided.
    expect(lines.length).toBeGreaterThan(0);
    expect(decided.stderr).toMatch(/^1 proposals exported as quickstatements/m);
    for (const line of lines) expect(line).toMatch(/^Q\d+\t/);
    // Each statement cites its card's Source (S854), retrieved (S813) on the day the run last read it.
    const statements = lines.filter((line) => /^Q\d+\tP\d+\t/.test(line));
    expect(statements.length).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    for (const line of statements)
      expect(line).toMatch(new RegExp(`\tS854\t"https://[^"\t]+"\tS813\t\\+${today}T00:00:00Z/11$`));
    expect(decided.stderr).not.toMatch(/no reference/);
    const undecided = await cli('export', '--format', 'quickstatements', '--undecided');
    const more = undecided.stdout.trim().split('\n').filter(Boolean);
    expect(more.length).toBeGreaterThan(lines.length);
    expect(more.slice(0, lines.length)).toEqual(lines);

    const results = await cli('export', '--format', 'mismatch-finder-results', '--undecided');
    expect(results.code).toBe(0);
    expect(results.stdout.split('\r\n')[0]).toBe(
      'item_id,statement_guid,property_id,wikidata_value,meta_wikidata_value,external_value,external_url,review_status',
    );
    const statuses = results.stdout
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((row) => row.split(',').at(-1));
    expect(statuses).toContain('pending');
    expect(results.stderr).toMatch(/proposals exported as mismatch-finder-results/);
  }, 60_000);

  it('report shows the last run', async () => {
    const { code, stdout } = await cli('report');
    expect(code).toBe(0);
    expect(stdout).toContain('# factsync run');
    const path = (await cli('report', '--format', 'html', '--path')).stdout.trim();
    expect(readFileSync(path, 'utf8')).toContain('<!doctype html>');
  });
});

// A card and a Wikidata statement that try to drive the reviewer's terminal: an OSC that sets the
// window title, a BEL, a clear-screen, and line breaks that would forge a list line and a heading.
const HOSTILE = '\u001b]0;TITLE\u0007\u001b[2J';
const FORGED = '\n- forged line\n# forged heading';

describe('values that try to drive the terminal', () => {
  let hostile: TestInstall;
  const run = (...args: string[]) => runCli([...args, '--config', hostile.configFile], hostile.env);

  beforeAll(async () => {
    hostile = await testInstall('hostile');
    const card = `${hostile.local}/sora.md`;
    writeFileSync(card, readFileSync(card, 'utf8').replace(/^# Sora$/m, `# Sora${HOSTILE}`));
    const synced = await run('sync');
    expect(synced.code, synced.stderr).toBe(0);
    // Wikidata itself can no longer deliver such a value: an answer holding control characters is
    // refused as unreadable (test/unit/wikidata-parse.test.ts). A store written by an earlier version
    // may still hold one, so it is put there directly: what is printed must be safe either way.
    const store = await openStore(hostile.config);
    try {
      const website: Finding = {
        entity: 'sora',
        label: 'Sora',
        qid: 'Q124544998',
        field: 'website',
        property: 'P856',
        kind: 'update',
        local: 'https://openai.com/sora',
        remote: `https://openai.com/sora${HOSTILE}${FORGED}`,
        evidence: {
          source: 'wikidata',
          url: 'https://www.wikidata.org/wiki/Q124544998',
          retrievedAt: new Date().toISOString(),
        },
      };
      const others = hostile.config.fields.map((f) => f.name).filter((name) => name !== 'website');
      await store.reconcile(
        'sora',
        [website],
        { runId: 'an-earlier-version', time: new Date().toISOString() },
        { partialFields: others },
      );
    } finally {
      await store.close();
    }
  });
  afterAll(async () => hostile?.close());

  it('proposals prints them escaped, each proposal on its one line', async () => {
    const { code, stdout, stderr } = await run('proposals', '--entity', 'sora');
    expect(code, stderr).toBe(0);
    expect(controlsIn(stdout)).toEqual([]);
    expect(stdout).not.toMatch(/^(- forged line|# forged heading)/m);
    const website = stdout.split('\n').filter((line) => line.includes('website'));
    expect(website).toHaveLength(1);
    expect(website[0]).toContain(
      'https://openai.com/sora\\x1b]0;TITLE\\x07\\x1b[2J\\n- forged line\\n# forged heading',
    );
    const label = stdout.split('\n').find((line) => line.includes(' label: '));
    expect(label).toContain('Sora\\x1b]0;TITLE\\x07\\x1b[2J');
  });

  it('report --format md prints them escaped, and the Markdown file holds no forged line', async () => {
    const { code, stdout, stderr } = await run('report', '--format', 'md');
    expect(code, stderr).toBe(0);
    expect(controlsIn(stdout)).toEqual([]);
    expect(stdout).not.toMatch(/^(- forged line|# forged heading)/m);
    const file = (await run('report', '--format', 'md', '--path')).stdout.trim();
    const markdown = readFileSync(file, 'utf8');
    expect(controlsIn(markdown)).toEqual([]);
    expect(markdown).not.toMatch(/^(- forged line|# forged heading)/m);
    expect(markdown).toMatch(/^### Sora\\+x1b\\?\]0;TITLE\\+x07\\+x1b\\?\[2J /m);
  });

  it('entities prints the card as read, escaped', async () => {
    const { code, stdout, stderr } = await run('entities', 'sora');
    expect(code, stderr).toBe(0);
    expect(controlsIn(stdout + stderr)).toEqual([]);
    expect(stdout).toMatch(/^sora\s+Q124544998\s+Sora\\x1b\]0;TITLE\\x07\\x1b\[2J /m);
  });

  it('--json stays JSON, with the values intact', async () => {
    const { code, stdout } = await run('proposals', '--json', '--entity', 'sora', '--field', 'website');
    expect(code).toBe(0);
    expect(controlsIn(stdout)).toEqual([]);
    const [website] = jsonLines(stdout);
    expect(website?.remote).toBe(`https://openai.com/sora${HOSTILE}${FORGED}`);
  });
});

// wikidata.url and wikipedia.url with credentials (a proxy that wants them): the evidence links and
// the URL of a failed request are built from them, and no output may show them.
describe('credentials in the Wikimedia URLs', () => {
  const PASSWORD = 'pa55-0c7e1b';
  let install: TestInstall;
  let env: Record<string, string>;
  let configFile: string;
  const run = (...args: string[]) => runCli([...args, '--config', configFile], env);
  const withCredentials = (url: string) => url.replace('http://', `http://proxyuser:${PASSWORD}@`);
  const everything = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr;

  beforeAll(async () => {
    install = await testInstall('credentials');
    env = {
      ...install.env,
      WIKIDATA_URL: withCredentials(install.fake.wikidataUrl),
      WIKIPEDIA_URL: withCredentials(install.fake.wikipediaUrl),
      FACTSYNC_LOG_LEVEL: 'info',
    };
    // A failed request fails at once, and its batch is not tried again.
    configFile = `${install.dir}/credentials.yaml`;
    writeFileSync(
      configFile,
      readFileSync(install.configFile, 'utf8')
        .replace('http:\n', 'http:\n  retries: 0\n')
        .replace('worker:\n', 'worker:\n  attempts: 1\n'),
    );
  });
  afterAll(async () => install?.close());

  it('are in no output of a run that worked: summary, proposals, reports, export', async () => {
    const synced = await run('sync');
    expect(synced.code, synced.stderr).toBe(0);
    const outputs = [
      synced,
      await run('proposals'),
      await run('proposals', '--json'),
      await run('report', '--format', 'md'),
      await run('report', '--format', 'html'),
      await run('report', '--format', 'json'),
      await run('export', '--format', 'jsonl'),
    ];
    for (const output of outputs) expect(everything(output)).not.toContain(PASSWORD);
    // The evidence links are still there, built without the credentials.
    expect(outputs[2]?.stdout).toContain(`"url":"http://127.0.0.1:`);
    expect(everything(outputs[2] as { stdout: string; stderr: string })).not.toContain('proxyuser');
    for (const file of readdirSync(install.config.reports.dir))
      expect(readFileSync(`${install.config.reports.dir}/${file}`, 'utf8'), file).not.toContain(PASSWORD);
  });

  it('are in no message of a run whose requests failed', async () => {
    install.fake.setFaults('error=1');
    const failed = await run('sync', '--full');
    install.fake.setFaults('error=0');
    expect(failed.code, failed.stderr).toBe(1);
    // The terminal says how many and why, without URLs; the report lists each request, credentials masked.
    expect(failed.stdout).toMatch(/9 of 9 entities could not be compared \(HTTP_STATUS 9\) — first: /);
    expect(failed.stdout).not.toContain('http://');
    expect(everything(failed)).not.toContain(PASSWORD);
    const report = await run('report', '--format', 'md');
    expect(report.stdout).toMatch(/## Failures/);
    expect(report.stdout).toMatch(/GET <?http:\/\/proxyuser:\*\*\*@127\.0\.0\.1:/);
    expect(everything(report)).not.toContain(PASSWORD);
  });
});
