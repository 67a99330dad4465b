// What a run may claim: its status from what it compared, the sentences every summary shares, the exit
// code of `sync`, and which transport failures mean "the host cannot be reached at all". Plain data.

import { describe, expect, it } from 'vitest';
import { exitCodeOf, stopMessage, summary } from '../../src/cli/sync.js';
import { emptyRun, finishedStatus, type RunRecord } from '../../src/model/run.js';
import { doneMessage } from '../../src/server/refresh.js';
import { runPage, runsPage } from '../../src/server/views/runs.js';
import { noProposalsSentence, notComparedNote } from '../../src/sinks/report/outcome.js';
import { HttpError } from '../../src/sources/http-errors.js';
import { unreachableCode, unreachableReason } from '../../src/sources/http-reach.js';

const AGREE = 'No proposals: the knowledge base agrees with Wikidata and Wikipedia.';
const LONG_URL = `https://www.wikidata.org/w/api.php?action=wbgetentities&ids=${'Q1%7C'.repeat(60)}Q2`;

function run(counts: Partial<RunRecord['counts']>, more: Partial<RunRecord> = {}): RunRecord {
  const record = emptyRun('r1', 'one-off', '2026-12-02T07:00:00.000Z');
  Object.assign(record.counts, counts);
  Object.assign(record, { finishedAt: '2026-12-02T07:00:03.000Z', ...more });
  record.status = finishedStatus(record);
  return record;
}

const failure = (entity: string) => ({
  entity,
  reason: 'wbgetentities request failed (HTTP_STATUS) after 5 attempts: HTTP 502',
  code: 'HTTP_STATUS',
  url: LONG_URL,
});

describe('a finished run says what it compared', () => {
  it('done, and "agrees", only when every entity was compared', () => {
    const all = run({ seen: 9, fetched: 9 });
    expect(all.status).toBe('done');
    expect(noProposalsSentence(all)).toBe(AGREE);
    expect(exitCodeOf(all)).toBe(0);
  });

  it('unreadable records leave it done, but the sentence names what was compared', () => {
    const some = run({ seen: 8, fetched: 8, unreadable: 1 });
    expect(some.status).toBe('done');
    expect(noProposalsSentence(some)).toBe(
      'No proposals from the 8 entities compared: they agree with Wikidata and Wikipedia; 1 local record could not be read (see Failures).',
    );
    expect(exitCodeOf(some)).toBe(0);
  });

  it('a run that compared nothing, with nothing failed, claims nothing either', () => {
    expect(noProposalsSentence(run({ seen: 0 }))).toBe('No proposals: no entity was compared.');
    const spent = run({ seen: 4, deferred: 4 });
    expect(spent.status).toBe('done');
    expect(noProposalsSentence(spent)).toBe(
      'No proposals: no entity was compared (4 entities left for a later run: request budget).',
    );
  });

  it('partial when some entities failed: exit 1, and no claim about those', () => {
    const partial = run(
      { seen: 9, fetched: 7, failed: 2 },
      { failures: [failure('sora'), failure('gpt-4')] },
    );
    expect(partial.status).toBe('partial');
    expect(exitCodeOf(partial)).toBe(1);
    expect(noProposalsSentence(partial)).toBe(
      'No proposals from the 7 entities compared: they agree with Wikidata and Wikipedia; 2 entities could not be compared (see Failures).',
    );
    expect(notComparedNote(partial)).toBe(
      '2 of 9 entities could not be compared (HTTP_STATUS 2) — first: sora: wbgetentities request failed (HTTP_STATUS) after 5 attempts: HTTP 502',
    );
  });

  it('failed when nothing could be compared: no word of agreement', () => {
    const failed = run({ seen: 9, failed: 9 }, { failures: [failure('sora')] });
    expect(failed.status).toBe('failed');
    expect(exitCodeOf(failed)).toBe(1);
    expect(noProposalsSentence(failed)).not.toContain('the knowledge base agrees');
    expect(noProposalsSentence(failed)).toContain('nothing could be compared');
  });

  it('failed when a batch failed whole, even with no entity counted', () => {
    const lost = run({ seen: 0 }, { failures: [{ reason: 'batch-r1-0: boom', code: 'BATCH_FAILED' }] });
    expect(lost.status).toBe('failed');
  });

  it('failed when a host could not be reached, with one message naming it and what to do', () => {
    const stopped = run(
      { seen: 9, failed: 9 },
      {
        failures: [failure('sora')],
        unreachable: [{ host: 'www.wikidata.org', reason: 'cannot resolve www.wikidata.org (ENOTFOUND)' }],
      },
    );
    expect(stopped.status).toBe('failed');
    const message = stopMessage(stopped) ?? '';
    expect(message).toMatch(/^factsync: The run stopped: cannot resolve www\.wikidata\.org \(ENOTFOUND\)\. /);
    expect(message).toContain('Check the network connection');
    expect(message).toContain('`npx factsync demo`');
    // The stop says why once; the count does not repeat it.
    expect(notComparedNote(stopped)).toBe('9 of 9 entities could not be compared (HTTP_STATUS 1)');
    expect(stopMessage(run({ seen: 1, fetched: 1 }))).toBeUndefined();
  });

  it('the terminal summary counts entity failures in one line, without URLs; unreadable records a line each', () => {
    const failures = [
      ...Array.from({ length: 12 }, (_, i) => failure(`entity-${i}`)),
      { file: 'cards/broken.md', line: 3, reason: 'unparseable date', code: 'READ_ERROR' },
    ];
    const lines = summary(run({ seen: 20, fetched: 8, failed: 12, unreadable: 1 }, { failures }), {
      html: 'reports/r1.html',
      markdown: 'reports/r1.md',
      json: 'reports/r1.json',
    });
    expect(lines[0]).toBe('run r1 (one-off) partial in 3.0 s');
    expect(lines.filter((line) => line.includes('could not be compared'))).toEqual([
      '  12 of 20 entities could not be compared (HTTP_STATUS 12) — first: entity-0: wbgetentities request failed (HTTP_STATUS) after 5 attempts: HTTP 502',
    ]);
    expect(lines).toContain('  failed: cards/broken.md:3 unparseable date');
    expect(lines.join('\n')).not.toContain('api.php');
  });
});

describe('the review page tells the same', () => {
  const chrome = {
    csrf: 'x',
    signedIn: false,
    tokenConfigured: false,
    nav: { open: 0, running: 0 },
    here: '/runs',
  };
  const stopped = run(
    { seen: 9, failed: 9 },
    {
      failures: [failure('sora')],
      unreachable: [{ host: 'www.wikidata.org', reason: 'cannot resolve www.wikidata.org (ENOTFOUND)' }],
    },
  );
  const view = (record: RunRecord) =>
    runPage(chrome, { run: record, proposals: [], more: false, wikidataUrl: 'https://www.wikidata.org' });

  it("a stopped run's page says why and what to do, its failures with their URL, and claims no agreement", () => {
    const page = view(stopped);
    expect(page).toContain('The run stopped: cannot resolve www.wikidata.org (ENOTFOUND).');
    expect(page).toContain('9 of 9 entities could not be compared');
    expect(page).toContain('GET https://www.wikidata.org/w/api.php?action=wbgetentities');
    expect(page).toContain('status-failed');
    expect(page).not.toContain('the knowledge base agrees');
    expect(view(run({ seen: 9, fetched: 9 }))).toContain(AGREE);
  });

  it("a held run's page says why, what to do, and shows the sample; then what a person did", () => {
    const held: RunRecord['held'] = {
      reason: '150 new proposals for 200 entities compared (75 %, more than 5 %)',
      fields: ['website'],
      proposals: 150,
      compared: 200,
      sample: [{ id: 'abc123', entity: 'gen-7', field: 'website', kind: 'update' }],
    };
    const page = view(run({ seen: 200, fetched: 200 }, { held }));
    expect(page).toContain('The run was held by the circuit breaker: 150 new proposals for 200 entities');
    expect(page).toContain('factsync held r1 --release');
    expect(page).toContain('abc123 (gen-7, website, update)');
    const settled = {
      ...held,
      settled: { action: 'released' as const, at: '2026-12-02T09:00:00Z', proposals: 150 },
    };
    expect(view(run({ seen: 200, fetched: 200 }, { held: settled }))).toContain(
      '150 proposals released on 2026-12-02T09:00:00Z',
    );
  });

  it('a partial run is badged partial in the list, and its refresh message says what was not compared', () => {
    const partial = run({ seen: 9, fetched: 8, failed: 1 }, { failures: [failure('sora')] });
    expect(runsPage(chrome, [partial])).toContain('<span class="status status-partial">partial</span>');
    expect(doneMessage(partial)).toBe(
      "Partly done: 0 new, 0 still open, 0 resolved, 0 superseded; 1 could not be compared (see the run's report).",
    );
    expect(doneMessage(stopped)).toBe('Failed: cannot resolve www.wikidata.org (ENOTFOUND).');
  });
});

describe('failures to reach a host at all', () => {
  it.each([
    [{ code: 'ENOTFOUND', syscall: 'getaddrinfo' }, 'ENOTFOUND'],
    [{ code: 'EAI_AGAIN', syscall: 'getaddrinfo' }, 'EAI_AGAIN'],
    [{ code: 'ECONNREFUSED', syscall: 'connect' }, 'ECONNREFUSED'],
    [{ code: 'EHOSTUNREACH', syscall: 'connect' }, 'EHOSTUNREACH'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'UND_ERR_CONNECT_TIMEOUT'],
    [{ code: 'ETIMEDOUT', syscall: 'connect' }, 'ETIMEDOUT'],
    // Node's happy eyeballs: one error per address tried.
    [
      {
        errors: [
          { code: 'ETIMEDOUT', syscall: 'connect' },
          { code: 'ENETUNREACH', syscall: 'connect' },
        ],
      },
      'ETIMEDOUT',
    ],
  ])('%o is %s', (error, code) => {
    expect(unreachableCode(error)).toBe(code);
  });

  it.each([
    [{ code: 'ECONNRESET', syscall: 'read' }],
    [{ code: 'ETIMEDOUT', syscall: 'read' }],
    [{ code: 'UND_ERR_SOCKET' }],
    [new Error('plain')],
  ])('%o is a failure of a connection that was made', (error) => {
    expect(unreachableCode(error)).toBeUndefined();
  });

  it('is said the way people read it', () => {
    expect(unreachableReason('www.wikidata.org', 'ENOTFOUND')).toBe(
      'cannot resolve www.wikidata.org (ENOTFOUND)',
    );
    expect(unreachableReason('127.0.0.1:9', 'ECONNREFUSED')).toBe(
      '127.0.0.1:9 refused the connection (ECONNREFUSED)',
    );
    expect(unreachableReason('en.wikipedia.org', 'ENETUNREACH')).toBe(
      'no route to en.wikipedia.org (ENETUNREACH)',
    );
    expect(unreachableReason('www.wikidata.org', 'UND_ERR_CONNECT_TIMEOUT')).toBe(
      'connecting to www.wikidata.org timed out (UND_ERR_CONNECT_TIMEOUT)',
    );
  });

  it('an HttpError keeps its reason apart from its URL', () => {
    const error = new HttpError(
      'HTTP_UNREACHABLE',
      'wbgetentities',
      LONG_URL,
      0,
      'cannot resolve x (ENOTFOUND)',
    );
    expect(error.reason).toBe(
      'wbgetentities request failed (HTTP_UNREACHABLE) without a try: cannot resolve x (ENOTFOUND)',
    );
    expect(error.message).toContain('GET https://www.wikidata.org/w/api.php');
  });
});
