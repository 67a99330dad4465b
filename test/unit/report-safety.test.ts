// The run reports with values that try to drive a terminal or forge lines, and with credentials in
// upstream URLs: Markdown keeps each value on its line, no report holds a control character or a
// credential, and the JSON report still parses to the same data minus the credentials.

import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import { emptyRun } from '../../src/model/run.js';
import { displayValue, groupByEntity } from '../../src/sinks/report/format.js';
import { renderHtml } from '../../src/sinks/report/html.js';
import { reportJsonPieces } from '../../src/sinks/report/json.js';
import { renderMarkdown } from '../../src/sinks/report/markdown.js';
import { controlsIn } from '../support/controls.js';

const HOSTILE = '\u001b]0;TITLE\u0007\u001b[2J\u202e';
const FORGED = '\n- forged line\n# forged heading\r\n| forged | row |';
const PASSWORD = 'pa55-9d1c';
const UPSTREAM = `http://proxy:${PASSWORD}@wikidata.example`;

const run = {
  ...emptyRun('2026-11-25T03-00-00Z-c0de', 'nightly', '2026-11-25T03:00:00Z'),
  status: 'done' as const,
};
run.proposals.byKind = { update: 1 };
run.failures.push({
  entity: `bad${HOSTILE}`,
  reason: `wbgetentities request failed: HTTP 500${FORGED} — GET ${UPSTREAM}/w/api.php?action=wbgetentities&token=t0k`,
  code: 'HTTP_STATUS',
});

const proposal: Proposal = {
  id: 'f00d',
  entity: `sora${HOSTILE}`,
  label: `Sora${HOSTILE}${FORGED}`,
  qid: 'Q124544998',
  field: 'website',
  property: 'P856',
  kind: 'update',
  local: 'https://openai.com/sora',
  remote: `https://openai.com/sora${HOSTILE}${FORGED}`,
  evidence: {
    source: 'wikidata',
    url: `${UPSTREAM}/wiki/Q124544998#P856`,
    revision: 7,
    retrievedAt: '2026-11-25T03:00:00Z',
  },
  status: 'open',
  firstSeen: '2026-11-25T03:00:01Z',
  lastSeen: '2026-11-25T03:00:01Z',
  firstRun: run.id,
  lastRun: run.id,
};

const FORGED_LINE = /^(- forged line|# forged heading|\| forged \| row \|)/m;

describe('a value for display', () => {
  it('is one line, escaped, its credentials masked', () => {
    expect(displayValue(proposal.remote)).toBe(
      'https://openai.com/sora\\x1b]0;TITLE\\x07\\x1b[2J\\u202e\\n- forged line\\n# forged heading\\r\\n| forged | row |',
    );
    expect(displayValue(`see ${UPSTREAM}/x`)).toBe('see http://proxy:***@wikidata.example/x');
  });
});

describe('the Markdown report', () => {
  const markdown = renderMarkdown(run, groupByEntity([proposal]));

  it('holds no control character and no forged line, heading or table row', () => {
    expect(controlsIn(markdown)).toEqual([]);
    expect(markdown).not.toMatch(FORGED_LINE);
    expect(markdown.split('\n').filter((line) => line.startsWith('### '))).toHaveLength(1);
    // The proposal's row is one line of the table.
    expect(markdown.split('\n').filter((line) => line.includes('`f00d`'))).toHaveLength(1);
  });

  it('shows no credential of an evidence link or a failure', () => {
    expect(markdown).not.toContain(PASSWORD);
    expect(markdown).not.toContain('t0k');
    expect(markdown).toContain('(http://proxy:***@wikidata.example/wiki/Q124544998#P856)');
  });
});

describe('the HTML report', () => {
  const html = renderHtml(run, groupByEntity([proposal]));

  it('holds no control character and no credential', () => {
    expect(controlsIn(html)).toEqual([]);
    expect(html).not.toContain(PASSWORD);
    expect(html).toContain('href="http://proxy:***@wikidata.example/wiki/Q124544998#P856"');
    expect(html).toContain('Sora\\x1b]0;TITLE\\x07\\x1b[2J\\u202e\\n- forged line');
  });
});

describe('the JSON report', () => {
  it('parses to the same values, with control characters escaped and credentials masked', async () => {
    let json = '';
    for await (const piece of reportJsonPieces(run, [proposal])) json += piece;
    expect(controlsIn(json)).toEqual([]);
    expect(json).not.toContain(PASSWORD);
    const parsed = JSON.parse(json);
    expect(parsed.proposals[0].remote).toBe(proposal.remote);
    expect(parsed.proposals[0].label).toBe(proposal.label);
    expect(parsed.proposals[0].evidence.url).toBe('http://proxy:***@wikidata.example/wiki/Q124544998#P856');
    expect(parsed.run.failures[0].reason).toContain('GET http://proxy:***@wikidata.example/w/api.php');
  });
});
