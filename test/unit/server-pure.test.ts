// The review page's pure helpers (escaping, links, redirects, the query ↔ filter mapping, origins),
// without a browser. They belong in test/unit; they sit here because this change owns test/browser only.

import { describe, expect, it } from 'vitest';
import { filterOf, parseProposalQuery, proposalsUrl } from '../../src/server/filters.js';
import { html, localPath, webLink } from '../../src/server/html.js';
import { readOnlyQueues } from '../../src/server/routes/queues.js';
import { reportCsp } from '../../src/server/routes/runs.js';
import { isLoopback } from '../../src/server/security.js';

describe('html', () => {
  it('escapes every interpolated value, and nests only what html made', () => {
    const label = '<script>alert(1)</script>';
    expect(html`<b>${label}</b>`.text).toBe('<b>&#60;script&#62;alert(1)&#60;/script&#62;</b>');
    expect(html`<a title="${'" onmouseover="x'}">`.text).toBe('<a title="&#34; onmouseover=&#34;x">');
    expect(html`<p>${html`<i>${'&'}</i>`}${['<', 1, null, undefined, false]}</p>`.text).toBe(
      '<p><i>&#38;</i>&#60;1</p>',
    );
  });

  it('links only http(s) URLs', () => {
    expect(webLink('javascript:alert(1)', 'x').text).toBe('x');
    expect(webLink('https://www.wikidata.org/wiki/Q1', 'Q1').text).toContain(
      'href="https://www.wikidata.org/wiki/Q1"',
    );
  });

  it('redirects back only to a path of this site', () => {
    expect(localPath('/proposals?kind=add', '/')).toBe('/proposals?kind=add');
    expect(localPath('/entities/my%20key?q=https://x.example/a', '/')).toBe(
      '/entities/my%20key?q=https://x.example/a',
    );
    expect(localPath('/a/../proposals?q=1', '/')).toBe('/proposals?q=1');
    expect(localPath('/', '/proposals')).toBe('/');
    const bad = [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      'javascript:x',
      42,
      '/..//evil.example',
      '/./\\evil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/%2e%2e//evil.example',
      '/\t/evil.example',
      '/%09/evil.example',
      '/%0a/evil.example',
      '/proposals?q=%00',
      '/%',
      ' /proposals',
      '',
      `/${'a'.repeat(2001)}`,
    ];
    for (const value of bad)
      expect({ value, to: localPath(value, '/proposals') }).toEqual({ value, to: '/proposals' });
  });
});

describe('the proposals query', () => {
  it('defaults to open proposals and drops what it does not know', () => {
    const query = parseProposalQuery({ kind: 'nonsense', status: 'bogus', limit: '100000', q: ' sora ' });
    expect(query).toMatchObject({ status: 'open', kind: '', limit: 500, q: 'sora' });
    expect(filterOf(query)).toEqual({ status: ['open'], search: 'sora' });
    expect(filterOf(parseProposalQuery({ status: 'all' }))).toEqual({});
  });

  it('leaves the facet out of its own menu counts, and round-trips through the URL', () => {
    const query = parseProposalQuery({ status: 'rejected', kind: 'add', field: 'website', run: 'r1' });
    expect(filterOf(query, 'kind')).toEqual({ status: ['rejected'], field: ['website'], run: 'r1' });
    const url = proposalsUrl(query, { after: 'abc' });
    expect(url).toBe('/proposals?status=rejected&kind=add&field=website&run=r1&after=abc');
    expect(parseProposalQuery(Object.fromEntries(new URL(url, 'http://x').searchParams))).toEqual({
      ...query,
      after: 'abc',
    });
  });
});

describe('security helpers', () => {
  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])
      expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.org']) expect(isLoopback(host)).toBe(false);
  });

  it('marks the dashboard queues read-only', () => {
    const answer = JSON.parse(
      readOnlyQueues(JSON.stringify({ queues: [{ name: 'runs', readOnlyMode: false }] })),
    );
    expect(answer.queues[0]).toMatchObject({ readOnlyMode: true, allowRetries: false });
    expect(readOnlyQueues('not json')).toBe('not json');
  });

  it("allows exactly the report page's own inline style and script", () => {
    const csp = reportCsp('<style>a{}</style><body><script>x()</script>');
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
  });
});
