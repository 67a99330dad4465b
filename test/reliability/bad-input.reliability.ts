// Bad input: the corpus of corpus.ts (test/reliability/corpus/) — malformed cards and JSONL lines among
// valid records of the fake's generated world. For each of the two local stores:
// - `factsync entities --json` reports every refused input with its file, line and exact reason, and
//   reads every other one as expected; nothing crashes;
// - `factsync sync` against the fake completes, lists every refused input in the run record with its
//   reason, and the records it read get exactly the proposals they get without the bad input around;
// - nothing from a record changes the host or the path of a request: every request the fake received
//   is /w/api.php or /wikipedia/<lang>/w/api.php with a language from the safe set, every request
//   factsync made reached the fake, and under the real URL template every record's Wikipedia site is a
//   *.wikipedia.org host and its page URL stays under /wiki/;
// - the HTML report shows injected HTML as text.
// A second record with a key already used is refused like any other bad record.

import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncNow } from '../../src/jobs/sync.js';
import type { RunRecord } from '../../src/model/run.js';
import { WikipediaSource } from '../../src/sources/wikipedia.js';
import type { TestInstall } from '../support/install.js';
import { proposalLines } from '../support/proposals.js';
import { jsonLines, runCli } from '../support/spawn.js';
import {
  CORPUS_DIR,
  COUNT,
  type CorpusInput,
  corpusFiles,
  corpusInputs,
  JSONL_FILE,
  MAX_RECORD_BYTES,
  SEED,
} from './corpus.js';
import { install, recordFigures, timeFile } from './helpers.js';

timeFile('bad-input');

/** The languages the corpus's readable records use: the only ones a request may name. */
const SAFE_LANGS = new Set(['en']);
const API_PATH = /^\/w\/api\.php$|^\/wikipedia\/([a-z][a-z0-9-]*)\/w\/api\.php$/;

const inputs = corpusInputs();
const isError = (input: CorpusInput): input is CorpusInput & { expect: { error: string; line?: number } } =>
  'error' in input.expect;

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

describe('the corpus', () => {
  it('is what corpus.ts writes: at least 30 malformed cards and lines among valid records', () => {
    const files = corpusFiles();
    expect(listFiles(CORPUS_DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, bytes] of files)
      expect(readFileSync(path.join(CORPUS_DIR, name)).equals(bytes), name).toBe(true);
    expect(inputs.filter(isError).length).toBeGreaterThanOrEqual(30);
    expect(inputs.filter((i) => isError(i) && i.file.startsWith('cards/')).length).toBeGreaterThanOrEqual(20);
    expect(inputs.filter((i) => isError(i) && i.file === JSONL_FILE).length).toBeGreaterThanOrEqual(20);
  });
});

const figures: Record<string, unknown> = {};

afterAll(() => {
  recordFigures('bad-input', {
    inputs: inputs.map((i) => ({
      file: i.file,
      ...(i.line === undefined ? {} : { line: i.line }),
      what: i.what,
      outcome: isError(i)
        ? { refused: i.expect.error, ...(i.expect.line === undefined ? {} : { reportedLine: i.expect.line }) }
        : { read: (i.expect as { note: string }).note },
    })),
    ...figures,
  });
});

for (const kind of ['cards', 'jsonl'] as const) {
  const mine = inputs.filter((i) => (kind === 'cards' ? i.file.startsWith('cards/') : i.file === JSONL_FILE));
  const refused = mine.filter(isError);
  const read = mine.filter((i) => !isError(i)) as Array<
    CorpusInput & { expect: { key: string; has: Record<string, unknown> } }
  >;
  const keys = read.map((i) => i.expect.key);
  const duplicated = new Set(keys.filter((key, i) => keys.indexOf(key) !== i));
  const localPath = path.join(CORPUS_DIR, kind === 'cards' ? 'cards' : JSONL_FILE);
  const fileOf = (input: CorpusInput) => path.join(CORPUS_DIR, input.file);

  describe(`the ${kind} corpus`, () => {
    const installs: TestInstall[] = [];
    let target: TestInstall;
    let entities: { code: number | null; stdout: string; stderr: string };
    let output: Record<string, unknown>[];

    beforeAll(async () => {
      target = await install(`badinput-${kind}`, {
        fake: { seed: SEED },
        entities: COUNT,
        env: { FACTSYNC_LOCAL: localPath, FACTSYNC_LOCAL_KIND: kind },
        file: { local: { maxRecordBytes: MAX_RECORD_BYTES }, http: { concurrency: 4 } },
      });
      installs.push(target);
      entities = await runCli(['--config', target.configFile, 'entities', '--json'], target.env);
      output = jsonLines(entities.stdout);
    });

    afterAll(async () => {
      await Promise.allSettled(installs.map((i) => i.close()));
    });

    it('factsync entities --json gives every refused input its exact reason, and reads the rest', () => {
      expect(entities.code, entities.stderr).toBe(0);
      const errors = output.filter((o) => 'error' in o);
      const records = output.filter((o) => !('error' in o));
      // One result per input, in a stable shape, and a summary line that adds up.
      expect(errors).toHaveLength(refused.length);
      expect(records).toHaveLength(read.length);
      expect(entities.stderr).toContain(`${read.length} records, ${refused.length} unreadable`);
      for (const input of refused) {
        const shown = errors.filter(
          (e) => e.file === fileOf(input) && (input.line === undefined || e.line === input.line),
        );
        expect(shown, `${input.file}:${input.line ?? ''} (${input.what})`).toEqual([
          {
            error: input.expect.error,
            file: fileOf(input),
            ...((input.line ?? input.expect.line) ? { line: input.line ?? input.expect.line } : {}),
          },
        ]);
      }
      for (const input of read) {
        const candidates = records.filter((r) => r.key === input.expect.key);
        expect(candidates, `${input.file}:${input.line ?? ''} (${input.what})`).toContainEqual(
          expect.objectContaining(input.expect.has),
        );
      }
      // A key names one record: the second record with a key already used is refused (above).
      expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
      if (kind === 'jsonl') {
        const unknown = read.find((i) => i.expect.key === 'unknown-fact');
        expect(entities.stderr).toContain(
          `${path.relative(process.cwd(), localPath)}:${unknown?.line}  unknown field "facts.colour" ignored (not in the config's fields)`,
        );
      }
    });

    describe('a sync over it', () => {
      let run: RunRecord;
      let sync: { code: number | null; stdout: string; stderr: string };

      beforeAll(async () => {
        sync = await runCli(['--config', target.configFile, 'sync'], target.env, { timeoutMs: 120_000 });
        const runs = await target.runtime.store.listRuns(1);
        run = runs[0] as RunRecord;
      });

      it('completes, listing every refused input with its reason', () => {
        expect(sync.code, `${sync.stdout}\n${sync.stderr}`).toBe(0);
        expect(run?.status).toBe('done');
        expect(run.counts).toMatchObject({ seen: read.length, failed: 0, unreadable: refused.length });
        const reported = run.failures
          .filter((f) => f.code === 'READ_ERROR')
          .map((f) => `${f.file}:${f.line ?? ''} ${f.reason}`)
          .sort();
        expect(reported).toEqual(
          refused.map((i) => `${fileOf(i)}:${i.line ?? i.expect.line ?? ''} ${i.expect.error}`).sort(),
        );
        expect(run.failures.filter((f) => f.code !== 'READ_ERROR')).toEqual([]);
        figures[kind] = {
          inputs: mine.length,
          refused: refused.length,
          read: read.length,
          runCounts: run.counts,
          proposalsByKind: run.proposals.byKind,
          requests: target.fake.stats().requests,
        };
      });

      it('gives the records it read the proposals they get without the bad input around', async () => {
        // The same records alone (keys used twice left out: see the known failure below).
        const dir = mkdtempSync(path.join(tmpdir(), `factsync-rel-clean-${kind}-`));
        try {
          const wanted = read.filter((i) => !duplicated.has(i.expect.key));
          let cleanPath: string;
          if (kind === 'cards') {
            cleanPath = path.join(dir, 'cards');
            for (const input of wanted) {
              mkdirSync(path.dirname(path.join(dir, input.file)), { recursive: true });
              cpSync(fileOf(input), path.join(dir, input.file));
            }
          } else {
            cleanPath = path.join(dir, 'clean.jsonl');
            const lines = readFileSync(localPath, 'utf8').split('\n');
            writeFileSync(cleanPath, wanted.map((i) => `${lines[(i.line ?? 0) - 1]}\n`).join(''));
          }
          const clean = await install(`badinput-${kind}-clean`, {
            fake: { seed: SEED },
            entities: COUNT,
            env: { FACTSYNC_LOCAL: cleanPath, FACTSYNC_LOCAL_KIND: kind },
            file: { local: { maxRecordBytes: MAX_RECORD_BYTES } },
          });
          installs.push(clean);
          const { run: cleanRun } = await syncNow(clean.runtime, { trigger: 'one-off' });
          expect(cleanRun.counts).toMatchObject({ seen: wanted.length, failed: 0, unreadable: 0 });
          const entityOf = (line: string) => line.split(' | ')[1] ?? '';
          const ours = (await proposalLines(target.runtime.store)).filter(
            (l) => !duplicated.has(entityOf(l)),
          );
          const theirs = await proposalLines(clean.runtime.store);
          expect(theirs.length).toBeGreaterThan(10);
          expect(ours).toEqual(theirs);
          // Every record read was compared: each generated one has its proposals, if it differs at all.
          const entitiesWithProposals = new Set(ours.map(entityOf));
          for (const key of [
            'html-title',
            'conflict-qid',
            'conflict-dates',
            'title-question',
            'html',
            'question',
          ])
            if (keys.includes(key)) expect(entitiesWithProposals, key).toContain(key);
          (figures[kind] as Record<string, unknown>).proposals = {
            corpus: ours.length,
            clean: theirs.length,
            equal: true,
          };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('lets nothing from a record change the host or the path of a request', () => {
        const requests = target.fake.requests();
        expect(requests.length).toBeGreaterThan(0);
        expect(requests.length).toBe(target.fake.stats().requests);
        for (const request of requests) {
          const match = API_PATH.exec(request.path);
          expect(match, request.path).not.toBeNull();
          if (match?.[1] !== undefined) expect(SAFE_LANGS, request.path).toContain(match[1]);
          expect(request.method).toBe('GET');
          expect(['wbgetentities', 'query']).toContain(request.params.action);
        }
        // Every request factsync made arrived here, at the fake's host: none went anywhere else.
        const made = Object.values(run.requests).reduce((n, r) => n + r.requests, 0);
        expect(made).toBe(requests.length);
        // Under the real URL template, every record read names a *.wikipedia.org site and a page under /wiki/.
        const wikipedia = new WikipediaSource({
          http: undefined as never,
          url: 'https://{lang}.wikipedia.org',
        });
        for (const record of output.filter((o) => !('error' in o))) {
          const page = record.wikipedia as { lang: string; title: string } | undefined;
          if (!page) continue;
          expect(SAFE_LANGS).toContain(page.lang);
          const site = new URL(`${wikipedia.site(page.lang)}/w/api.php`);
          expect(site.host).toMatch(/^[a-z0-9-]+\.wikipedia\.org$/);
          expect(site.pathname).toBe('/w/api.php');
          const url = new URL(wikipedia.pageUrl(page.lang, page.title));
          expect(url.host).toBe(site.host);
          expect(url.pathname.startsWith('/wiki/') && !url.pathname.slice(6).includes('/..')).toBe(true);
          expect(url.search + url.hash).toBe('');
        }
      });

      it('shows injected HTML and Markdown as text in the HTML and Markdown reports', () => {
        const report = (ext: string) =>
          readFileSync(path.join(target.config.reports.dir, `${run.id}.${ext}`), 'utf8');
        const html = report('html');
        expect(html).not.toMatch(/<script>alert|<img src=x|<b onmouseover/);
        expect(html).toMatch(/&#60;script&#62;alert/);
        // Markdown: every <, >, [, ] from a record is backslash-escaped.
        const markdown = report('md');
        expect(markdown).not.toMatch(/(?<!\\)<script>alert|(?<!\\)<img src=x|(?<!\\)<b onmouseover/);
        expect(markdown).toMatch(/\\<script\\>alert/);
      });
    });
  });
}
