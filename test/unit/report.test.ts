import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import { emptyRun } from '../../src/model/run.js';
import { displayValue, groupByEntity } from '../../src/sinks/report/format.js';
import { renderHtml } from '../../src/sinks/report/html.js';
import { REPORT_LIMIT, writeReports } from '../../src/sinks/report/index.js';
import { reportJsonPieces } from '../../src/sinks/report/json.js';
import { renderMarkdown } from '../../src/sinks/report/markdown.js';

const run = {
  ...emptyRun('2026-11-25T03-00-00Z-a1b2', 'nightly', '2026-11-25T03:00:00Z'),
  status: 'done' as const,
};
run.proposals.byKind = { add: 1, 'local-conflict': 1 };

const base = {
  qid: 'Q124544998' as const,
  status: 'open' as const,
  firstSeen: '2026-11-25T03:00:01Z',
  lastSeen: '2026-11-25T03:00:01Z',
  lastRun: run.id,
};

const proposals: Proposal[] = [
  {
    ...base,
    id: 'a1',
    entity: 'sora',
    label: 'Sora <script>alert(1)</script>',
    field: 'followedBy',
    property: 'P156',
    kind: 'add',
    local: null,
    remote: { id: 'Q136505399', label: '<img src=x onerror=alert(2)>' },
    evidence: {
      source: 'wikidata',
      url: 'https://www.wikidata.org/wiki/Q124544998#Q124544998$ABC',
      revision: 2212345678,
      retrievedAt: '2026-11-25T03:00:00Z',
      statementId: 'Q124544998$ABC',
    },
    firstRun: run.id,
  },
  {
    ...base,
    id: 'b2',
    entity: 'sora',
    field: 'qid',
    kind: 'local-conflict',
    local: [
      { value: 'Q124544998', where: 'header Wikidata link', line: 5 },
      { value: 'Q120281745', where: 'JSON-LD sameAs', line: 77 },
    ],
    remote: null,
    evidence: { source: 'local', url: 'cards/sora.md#L5', retrievedAt: '2026-11-25T03:00:00Z' },
    firstRun: 'an-earlier-run',
  },
  {
    ...base,
    id: 'c3',
    entity: 'evil',
    label: 'javascript link',
    field: 'website',
    kind: 'update',
    local: 'https://a.example',
    remote: 'https://b.example',
    evidence: { source: 'wikidata', url: 'javascript:alert(3)', retrievedAt: '2026-11-25T03:00:00Z' },
  },
];

describe('values as reviewers read them', () => {
  it('show items, pages, novalue and the sides of a local conflict', () => {
    expect(displayValue({ id: 'Q136505399', label: 'Sora 2' })).toBe('Sora 2 (Q136505399)');
    expect(displayValue({ lang: 'en', title: 'Sora (text-to-video model)' })).toBe(
      'en: Sora (text-to-video model)',
    );
    expect(displayValue({ snaktype: 'novalue' })).toContain('no value');
    expect(displayValue(null)).toBe('—');
    expect(displayValue(proposals[1]?.local)).toBe(
      'Q124544998 (header Wikidata link, line 5) vs Q120281745 (JSON-LD sameAs, line 77)',
    );
    expect(displayValue([{ id: 'Q1', label: 'A' }, 'b'])).toBe('A (Q1), b');
  });
});

describe('the HTML report', () => {
  const html = renderHtml(run, groupByEntity(proposals));

  it('shows every value from a card or from Wikimedia as text', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('Sora &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#60;img src=x onerror=alert(2)&#62;');
  });

  it('links evidence only over http(s)', () => {
    expect(html).toContain('href="https://www.wikidata.org/wiki/Q124544998#Q124544998$ABC"');
    expect(html).not.toContain('href="javascript:');
  });

  it('groups proposals by entity and marks the new ones', () => {
    expect(html.match(/<section class="entity">/g)).toHaveLength(2);
    expect(html.match(/class="new"/g)).toHaveLength(1);
    expect(html).not.toMatch(/<(link|img|iframe)[^>]+(src|href)="http/); // self-contained
  });
});

describe('the Markdown report', () => {
  const markdown = renderMarkdown(run, groupByEntity(proposals));

  it('escapes what would break a table or become HTML', () => {
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('Sora \\<script\\>alert(1)\\</script\\>');
    expect(markdown).toContain(
      '[wikidata r2212345678](https://www.wikidata.org/wiki/Q124544998#Q124544998$ABC)',
    );
  });

  it('summarises the run', () => {
    expect(markdown).toContain(`# factsync run ${run.id}`);
    expect(markdown).toContain('| add | 1 | Wikidata has it, the record lacks it |');
    expect(markdown).toContain('| **new** | followedBy | add |');
  });
});

describe('the report files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'factsync-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function* streamed(all: readonly Proposal[]): AsyncIterable<Proposal> {
    yield* all;
  }

  /** `n` proposals in entity order, three per entity. */
  const many = (n: number): Proposal[] =>
    Array.from({ length: n }, (_, i) => ({
      ...(proposals[2] as Proposal),
      id: `p${String(i).padStart(6, '0')}`,
      entity: `film-${String(Math.floor(i / 3)).padStart(5, '0')}`,
      remote: `https://example.org/${i}`,
    }));

  it('writes the JSON document JSON.stringify writes, byte for byte, from a stream', async () => {
    for (const list of [proposals, [], many(40)]) {
      const paths = await writeReports(dir, run, streamed(list));
      expect(readFileSync(paths.json, 'utf8')).toBe(`${JSON.stringify({ run, proposals: list }, null, 2)}\n`);
    }
    expect(readdirSync(dir).sort()).toEqual(['json', 'md', 'html'].map((ext) => `${run.id}.${ext}`).sort());
  });

  it('writes every proposal to the JSON and the first REPORT_LIMIT to the pages, saying how many more', async () => {
    const all = many(REPORT_LIMIT + 7);
    const paths = await writeReports(dir, run, streamed(all));
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as { run: unknown; proposals: Proposal[] };
    expect(json.run).toEqual(run);
    expect(json.proposals).toEqual(all);

    const markdown = readFileSync(paths.markdown, 'utf8');
    const html = readFileSync(paths.html, 'utf8');
    const ids = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]);
    const shown = all.slice(0, REPORT_LIMIT).map((p) => p.id);
    expect(ids(markdown, /\| `(p\d+)` \|/g)).toEqual(shown);
    expect(ids(html, /<td class="id">(p\d+)<\/td>/g)).toEqual(shown);
    expect(markdown).toContain(
      `…and 7 more proposals: \`factsync proposals --run ${run.id}\` lists them all.`,
    );
    expect(html).toContain('…and 7 more proposals:');
    // REPORT_LIMIT / 3 entities whole, and the first two proposals of the next.
    expect(markdown.match(/^### /gm)).toHaveLength(Math.ceil(REPORT_LIMIT / 3));
  });

  it('says nothing of more proposals when all of them are shown', async () => {
    const paths = await writeReports(dir, run, streamed(many(REPORT_LIMIT)));
    expect(readFileSync(paths.markdown, 'utf8')).not.toContain('more proposals');
    expect(readFileSync(paths.html, 'utf8')).not.toContain('more proposals');
  });

  it('keeps the previous report and leaves no temporary file when the stream fails', async () => {
    const before = await writeReports(dir, run, proposals);
    const text = readFileSync(before.json, 'utf8');
    async function* failing(): AsyncIterable<Proposal> {
      yield* many(REPORT_LIMIT + 1);
      throw new Error('the store went away');
    }
    await expect(writeReports(dir, run, failing())).rejects.toThrow('the store went away');
    expect(readFileSync(before.json, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the JSON report in pieces', () => {
  it('joins into the whole document, in pieces of bounded size', async () => {
    const list = Array.from({ length: 2_000 }, (_, i) => ({ ...(proposals[0] as Proposal), id: `q${i}` }));
    const pieces: string[] = [];
    for await (const piece of reportJsonPieces(run, list)) pieces.push(piece);
    expect(pieces.join('')).toBe(`${JSON.stringify({ run, proposals: list }, null, 2)}\n`);
    expect(pieces.length).toBeGreaterThan(2);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70 * 1024);
  });
});
