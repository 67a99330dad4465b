// `factsync sync` when Wikimedia cannot be reached or answers only in part, as a user runs it: the run
// stops at once with one message naming the hosts and what to do; a run with failed entities is
// `partial`, never "done, all agree"; and the report counts every request sent, the attempts of a batch
// that was retried included. Real Redis, real loopback servers, a real unresolvable name.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../../src/jobs/embedded-redis.js';
import type { RunRecord } from '../../src/model/run.js';
import { overlay, type Tree, writeConfigFile } from '../support/config.js';
import { type FaultyProxy, startFaultyProxy } from '../support/faulty-proxy.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { killChildren, runCli } from '../support/spawn.js';

/** Sora's item: every request that names it fails in the partial run. */
const SORA = 'Q124544998';

let install: TestInstall;
let proxy: FaultyProxy;

beforeAll(async () => {
  install = await testInstall('failures');
  proxy = await startFaultyProxy(install.fake.wikidataUrl);
});

afterAll(async () => {
  await killChildren();
  await proxy?.close();
  await install?.close();
});

/** A --config file for the install with these settings on top (retries, attempts, batch size). */
function configWith(name: string, settings: { http?: object; worker?: object; sync?: object }): string {
  const file = path.join(install.dir, `${name}.yaml`);
  const installed = parse(readFileSync(install.configFile, 'utf8')) as Tree;
  return writeConfigFile(file, overlay(installed, settings as Tree));
}

async function sync(configFile: string, env: Record<string, string>, ...args: string[]) {
  const result = await runCli(['--config', configFile, 'sync', ...args], { ...install.env, ...env });
  const runId = /^run (\S+) \(one-off\)/m.exec(result.stdout)?.[1];
  expect(runId, `${result.stdout}\n${result.stderr}`).toBeDefined();
  const run = (await install.runtime.store.getRun(runId as string)) as RunRecord;
  const report = (ext: string) =>
    readFileSync(path.join(install.config.reports.dir, `${run.id}.${ext}`), 'utf8');
  return { ...result, run, report };
}

const throughProxy = () => ({ WIKIDATA_URL: proxy.url, WIKIPEDIA_URL: `${proxy.url}/wikipedia/{lang}` });
const totalRequests = (run: RunRecord) => Object.values(run.requests).reduce((n, r) => n + r.requests, 0);

describe('offline: Wikidata does not resolve and Wikipedia refuses the connection', () => {
  it('stops with one message naming both hosts and what to do, exit 1, and a report that claims nothing', async () => {
    const closed = await freePort();
    const { code, stdout, stderr, run, report } = await sync(configWith('offline', {}), {
      WIKIDATA_URL: 'http://nonexistent.invalid',
      WIKIPEDIA_URL: `http://127.0.0.1:${closed}/wikipedia/{lang}`,
    });
    expect(code, stderr).toBe(1);
    // One message, and nothing else but progress: no log line per host, per try or per batch.
    const said = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('progress: '));
    expect(said).toEqual([
      `factsync: The run stopped: 127.0.0.1:${closed} refused the connection (ECONNREFUSED); cannot resolve nonexistent.invalid (ENOTFOUND). Check the network connection (factsync connects directly: it does not use HTTP_PROXY or HTTPS_PROXY), or try \`npx factsync demo\`, which runs offline against a fake Wikimedia.`,
    ]);
    expect(stdout).toMatch(/^run \S+ \(one-off\) failed in \d+\.\d s$/m);
    expect(stdout).toContain('  9 of 9 entities could not be compared (HTTP_UNREACHABLE 9)\n');
    // No request URL on the terminal; the report has them.
    expect(`${stdout}${stderr}`).not.toContain('api.php');
    expect(run.status).toBe('failed');
    expect(run.unreachable?.map((h) => h.host)).toEqual([`127.0.0.1:${closed}`, 'nonexistent.invalid']);
    // Each host was tried once: no retries of requests, none of batches.
    expect(totalRequests(run)).toBe(2);

    const markdown = report('md');
    expect(markdown).toContain('status: failed');
    expect(markdown).toContain('GET <http://nonexistent.invalid/w/api.php?action=wbgetentities&ids=');
    expect(markdown).not.toContain('the knowledge base agrees');
    expect(markdown).toContain('No proposals, because nothing could be compared');
    const html = report('html');
    expect(html).toContain('nothing could be compared');
    expect(html).not.toContain('the knowledge base agrees');
    expect((JSON.parse(report('json')) as { run: RunRecord }).run.status).toBe('failed');
  });
});

describe('a batch retried after its item request failed twice', () => {
  it('counts every request sent, the retried attempt included', async () => {
    // http.retries 1: the batch's first attempt meets both failures and is retried whole.
    let failedItems = 0;
    proxy.rule = (requested) => {
      if (!isItems(requested) || failedItems >= 2) return undefined;
      failedItems++;
      return 500;
    };
    const { code, stderr, run } = await sync(configWith('retried', { http: { retries: 1 } }), throughProxy());
    expect(code, stderr).toBe(0);
    expect(run.status).toBe('done');
    expect(run.counts).toMatchObject({ seen: 9, fetched: 9, failed: 0 });
    expect(failedItems).toBe(2);
    expect(proxy.arrivals.filter(isItems).length).toBeGreaterThanOrEqual(3);
    // What Wikimedia got is what the report says was sent.
    expect(totalRequests(run)).toBe(proxy.arrivals.length);
  });
});

describe('a run where some entities fail', () => {
  it('is partial: exit 1, the summary counts the failures in one line, the rest is compared', async () => {
    proxy.arrivals.length = 0;
    proxy.rule = (requested) => (requested.includes(SORA) ? 502 : undefined);
    const configFile = configWith('partial', {
      http: { retries: 0 },
      worker: { attempts: 1 },
      sync: { batchSize: 5 },
    });
    const { code, stdout, run, report } = await sync(configFile, throughProxy(), '--full');
    expect(code).toBe(1);
    expect(run.status).toBe('partial');
    expect(run.counts.failed).toBeGreaterThan(0);
    expect(run.counts.fetched).toBeGreaterThan(0);
    expect(run.counts.fetched + run.counts.failed).toBe(9);
    expect(stdout).toMatch(/^run \S+ \(one-off\) partial in /m);
    const notCompared = stdout.split('\n').filter((line) => line.includes('could not be compared'));
    expect(notCompared).toEqual([
      expect.stringMatching(
        /^ {2}\d of 9 entities could not be compared \(HTTP_STATUS \d\) — first: \S+: .*HTTP 502/,
      ),
    ]);
    expect(stdout).not.toContain('api.php');
    expect(report('md')).toContain(`could not be compared (HTTP\\_STATUS ${run.counts.failed})`);
    expect(report('md')).toContain(`${SORA}`);
  });
});

/** A request for items in full (not their labels, not a revision check). */
function isItems(requested: string): boolean {
  return requested.includes('action=wbgetentities') && requested.includes('claims');
}
