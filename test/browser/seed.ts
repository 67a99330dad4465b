// Realistic findings for the review page, entered through `reconcile` as a run would: dates, items,
// URLs, a moved page, a local conflict — and two hostile values (a label that is a <script>, a value
// that is an <img onerror>) that must show as text.

import { holdIfAbnormal } from '../../src/jobs/breaker.js';
import type { Evidence, Finding } from '../../src/model/proposal.js';
import { emptyRun, type RunRecord } from '../../src/model/run.js';
import type { ProposalStore } from '../../src/sinks/store.js';

export const SEED_RUN = '2026-11-25T03-00-00Z-seed';
const AT = '2026-11-25T03:00:05.000Z';

export const HOSTILE_LABEL = '<script>alert(1)</script>';
export const HOSTILE_VALUE = '<img src=x onerror=alert(2)>';

function wikidata(qid: string, statement?: string, revision = 2212345678): Evidence {
  return {
    source: 'wikidata',
    url: `https://www.wikidata.org/wiki/${qid}${statement ? `#${qid}$${statement}` : ''}`,
    revision,
    retrievedAt: AT,
  };
}

const FINDINGS: Record<string, Finding[]> = {
  sora: [
    {
      entity: 'sora',
      label: 'Sora',
      qid: 'Q124544998',
      field: 'published',
      property: 'P577',
      kind: 'add',
      local: null,
      remote: '2024-12-09',
      evidence: wikidata('Q124544998', 'A1B2C3'),
    },
    {
      entity: 'sora',
      label: 'Sora',
      qid: 'Q124544998',
      field: 'followedBy',
      property: 'P156',
      kind: 'update',
      local: { label: 'Sora Turbo' },
      remote: { id: 'Q136505399', label: 'Sora 2' },
      evidence: wikidata('Q124544998', 'D4E5F6'),
    },
  ],
  chatgpt: [
    {
      entity: 'chatgpt',
      label: 'ChatGPT',
      qid: 'Q115564437',
      field: 'website',
      property: 'P856',
      kind: 'upstream',
      local: 'https://chatgpt.com/',
      remote: null,
      evidence: wikidata('Q115564437'),
    },
    {
      entity: 'chatgpt',
      label: 'ChatGPT',
      qid: 'Q115564437',
      field: 'developer',
      property: 'P178',
      kind: 'add',
      local: null,
      remote: [{ id: 'Q21708200', label: 'OpenAI' }],
      evidence: wikidata('Q115564437', 'AA11'),
    },
  ],
  'dall-e': [
    {
      entity: 'dall-e',
      label: 'DALL-E',
      qid: 'Q105078662',
      field: 'wikipedia',
      kind: 'moved',
      local: { lang: 'en', title: 'DALL-E' },
      remote: { lang: 'en', title: 'DALL·E' },
      evidence: {
        source: 'wikipedia',
        url: 'https://en.wikipedia.org/wiki/DALL%C2%B7E',
        revision: 1331544028,
        retrievedAt: AT,
      },
    },
    {
      entity: 'dall-e',
      label: 'DALL-E',
      qid: 'Q105078662',
      field: 'announced',
      property: 'P6949',
      kind: 'update',
      local: '2021-01-05',
      remote: '2021-01-06',
      evidence: wikidata('Q105078662', 'BB22'),
    },
  ],
  'gpt-4': [
    {
      entity: 'gpt-4',
      label: 'GPT-4',
      qid: 'Q116709136',
      field: 'follows',
      property: 'P155',
      kind: 'update',
      local: { label: 'GPT-3' },
      remote: { id: 'Q115632416', label: 'GPT-3.5' },
      evidence: wikidata('Q116709136', 'CC33'),
    },
  ],
  'broken-veo': [
    {
      entity: 'broken-veo',
      label: 'Veo',
      qid: 'Q999999901',
      field: 'qid',
      kind: 'local-conflict',
      local: [
        { value: 'Q999999901', where: 'header Wikidata link', line: 5 },
        { value: 'Q999999902', where: 'JSON-LD sameAs', line: 53 },
      ],
      remote: null,
      evidence: { source: 'local', url: '/cards/broken-veo.md#L5', retrievedAt: AT },
    },
  ],
  hostile: [
    {
      entity: 'hostile',
      label: HOSTILE_LABEL,
      qid: 'Q999000001',
      field: 'description',
      kind: 'update',
      local: 'a harmless description',
      remote: HOSTILE_VALUE,
      // Not http(s): shown as text, never put in an href.
      evidence: { source: 'wikidata', url: 'javascript:alert(3)', retrievedAt: AT },
    },
  ],
};

export const SEEDED = Object.values(FINDINGS).reduce((n, findings) => n + findings.length, 0);

/** Enters the findings as one run did, and saves that run's record. */
export async function seed(store: ProposalStore): Promise<void> {
  const run = emptyRun(SEED_RUN, 'nightly', '2026-11-25T03:00:00.000Z');
  for (const [entity, findings] of Object.entries(FINDINGS)) {
    const result = await store.reconcile(entity, findings, { runId: SEED_RUN, time: AT });
    run.counts.seen++;
    run.counts.fetched++;
    run.proposals.created += result.created.length;
    for (const finding of findings)
      run.proposals.byKind[finding.kind] = (run.proposals.byKind[finding.kind] ?? 0) + 1;
  }
  run.status = 'done';
  run.finishedAt = '2026-11-25T03:00:09.000Z';
  await store.saveRun(run);
}

/** `count` proposals over count/5 generated entities, for paging. */
export async function seedMany(store: ProposalStore, count: number): Promise<void> {
  const fields = ['published', 'announced', 'inception', 'website', 'developer'];
  for (let e = 0; e * fields.length < count; e++) {
    const entity = `gen-${String(e).padStart(4, '0')}`;
    const qid = `Q${900_000 + e}` as const;
    const findings: Finding[] = fields
      .slice(0, Math.min(fields.length, count - e * fields.length))
      .map((field, i) => ({
        entity,
        label: `Generated ${e}`,
        qid,
        field,
        kind: 'add',
        local: null,
        remote: `20${10 + i}-01-0${1 + (e % 9)}`,
        evidence: wikidata(qid),
      }));
    await store.reconcile(entity, findings, {
      runId: 'gen-run',
      time: new Date(Date.UTC(2026, 10, 1, 0, 0, e)).toISOString(),
    });
  }
}

/**
 * A night after a mass change of websites: `count` entities, each with a new `update` of its website,
 * finalised as a run is, so the circuit breaker holds them (src/jobs/breaker.ts). The breaker never
 * holds a store's first run: seed an earlier finished run first (`seed`).
 */
export async function seedHeldRun(store: ProposalStore, runId: string, count: number): Promise<RunRecord> {
  const run = emptyRun(runId, 'nightly', '2026-11-26T03:00:00.000Z');
  for (let e = 0; e < count; e++) {
    const entity = `${runId}-${e}`;
    const qid = `Q${800_000 + e}` as const;
    const finding: Finding = {
      entity,
      label: `Moved site ${e}`,
      qid,
      field: 'website',
      property: 'P856',
      kind: 'update',
      local: `https://old-${e}.example/`,
      remote: `https://new-${e}.example/`,
      evidence: wikidata(qid),
    };
    const result = await store.reconcile(entity, [finding], { runId, time: '2026-11-26T03:00:05.000Z' });
    run.counts.seen++;
    run.counts.fetched++;
    run.proposals.created += result.created.length;
    run.proposals.byKind.update = (run.proposals.byKind.update ?? 0) + 1;
  }
  await holdIfAbnormal(store, run, { maxNewShare: 0.5, maxNewFieldShare: 0, minHeld: 2 });
  if (!run.held) throw new Error(`seedHeldRun: the breaker did not hold ${runId}`);
  run.status = 'done';
  run.finishedAt = '2026-11-26T03:00:09.000Z';
  await store.saveRun(run);
  return run;
}
