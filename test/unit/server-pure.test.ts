// The review page's pure helpers (escaping, links, redirects, the query ↔ filter mapping, origins,
// parameters, Host rules, the wrong-token limiter), without a browser or a server.

import { describe, expect, it } from 'vitest';
import { filterOf, parseProposalQuery, proposalsUrl } from '../../src/server/filters.js';
import { hostAllowed, hostRules, parseHost } from '../../src/server/hosts.js';
import { html, localPath, webLink } from '../../src/server/html.js';
import { jsonProblem, pairsProblem, parseForm, targetProblem } from '../../src/server/parameters.js';
import { readOnlyQueues } from '../../src/server/routes/queues.js';
import { reportCsp } from '../../src/server/routes/runs.js';
import { isLoopback, SignInLimiter } from '../../src/server/security.js';

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
    const query = parseProposalQuery({ status: 'decided', kind: 'add', field: 'website', run: 'r1' });
    expect(filterOf(query, 'kind')).toEqual({ status: ['decided'], field: ['website'], run: 'r1' });
    const url = proposalsUrl(query, { after: 'abc' });
    expect(url).toBe('/proposals?status=decided&kind=add&field=website&run=r1&after=abc');
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

describe('parameters', () => {
  it('refuse a NUL or invalid UTF-8 in the path or a query parameter, naming it', () => {
    expect(targetProblem('/proposals?q=sora&status=all')).toBeUndefined();
    expect(targetProblem('/entities/caf%C3%A9?q=a+b%20c&x')).toBeUndefined();
    expect(targetProblem('/proposals?q=%00x')).toMatch(/^query parameter "q" contains a NUL/);
    expect(targetProblem('/proposals?kind=add&q=%C3%28')).toMatch(/^query parameter "q" is not valid UTF-8/);
    expect(targetProblem('/proposals?q=%FF')).toMatch(/UTF-8/);
    expect(targetProblem('/entities/a%00')).toMatch(/^the path contains a NUL/);
    expect(targetProblem('/entities/\u00ff')).toMatch(/^the path is not valid UTF-8/); // a raw 0xff byte
    expect(targetProblem('/p?%00=1')).toMatch(/^a query parameter name contains a NUL/);
    // A % that encodes nothing stays as it is, as decoders leave it.
    expect(targetProblem('/proposals?q=100%')).toBeUndefined();
  });

  it('check forms as bytes and JSON values for NUL', () => {
    expect(pairsProblem(Buffer.from('note=a%00b'), 'form field')).toMatch(
      /^form field "note" contains a NUL/,
    );
    expect(pairsProblem(Buffer.from([0x6e, 0x3d, 0xc3]), 'form field')).toMatch(/not valid UTF-8/);
    expect(pairsProblem(Buffer.from('note=caf%C3%A9&id=1'), 'form field')).toBeUndefined();
    expect(jsonProblem({ ids: ['a'], note: 'x\u0000' })).toMatch(/^JSON field "note" contains a NUL/);
    expect(jsonProblem({ ids: ['a', 'b\u0000'] })).toMatch(/"ids"/);
    expect(jsonProblem({ ids: ['a'], note: 'fine' })).toBeUndefined();
  });

  it('parse a form with repeated fields as a list, and no prototype', () => {
    const form = parseForm('id=a&id=b&id=c&decision=accepted&__proto__=x&note=caf%C3%A9+ok');
    expect(form.id).toEqual(['a', 'b', 'c']);
    expect(form.note).toBe('café ok');
    expect(Object.getPrototypeOf(form)).toBeNull();
  });
});

describe('Host rules', () => {
  const machine = { hostname: 'box', addresses: ['127.0.0.1', '192.0.2.7', 'fe80::1', '::1'] };

  it('parse names, addresses and ports', () => {
    expect(parseHost('Review.Example.Org.:8443')).toEqual({ name: 'review.example.org', port: 8443 });
    expect(parseHost('[::1]:8080')).toEqual({ name: '::1', port: 8080 });
    for (const bad of ['', 'a b', 'evil.example/x', 'x:99999', 'user@host', '[::1'])
      expect(parseHost(bad)).toBeUndefined();
  });

  it('on loopback: loopback names only, any port; the configured host too', () => {
    const rules = hostRules({ host: '127.0.0.1', allowedHosts: [] }, machine);
    for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:1', '[::1]:8080', '127.0.0.2'])
      expect({ host, ok: hostAllowed(host, rules) }).toEqual({ host, ok: true });
    for (const host of ['evil.example', 'box:8080', '192.0.2.7:8080', 'localhost.evil.example', undefined])
      expect({ host, ok: hostAllowed(host, rules) }).toEqual({ host, ok: false });
  });

  it('on every interface: the machine name and addresses unless allowedHosts names the hosts', () => {
    const derived = hostRules({ host: '0.0.0.0', allowedHosts: [] }, machine);
    for (const host of ['box:8080', '192.0.2.7:8080', '[fe80::1]:8080', 'localhost:8080'])
      expect({ host, ok: hostAllowed(host, derived) }).toEqual({ host, ok: true });
    expect(hostAllowed('evil.example:8080', derived)).toBe(false);
    const listed = hostRules(
      { host: '::', allowedHosts: ['review.example.org', 'pinned.example.org:8443'] },
      machine,
    );
    expect(hostAllowed('review.example.org', listed)).toBe(true);
    expect(hostAllowed('pinned.example.org:8443', listed)).toBe(true);
    expect(hostAllowed('pinned.example.org', listed)).toBe(false);
    expect(hostAllowed('box:8080', listed)).toBe(false);
    expect(hostAllowed('127.0.0.1:8080', listed)).toBe(true);
  });
});

describe('the wrong-token limiter', () => {
  it('blocks an address after 10 failures until its minute has passed, and says how long', () => {
    const limiter = new SignInLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) {
      expect(limiter.blocked('192.0.2.1', t0 + i)).toBe(false);
      limiter.failed('192.0.2.1', t0 + i);
    }
    expect(limiter.blocked('192.0.2.1', t0 + 20)).toBe(true);
    expect(limiter.blocked('192.0.2.2', t0 + 20)).toBe(false);
    expect(limiter.retryAfterSeconds('192.0.2.1', t0 + 20)).toBe(60);
    expect(limiter.retryAfterSeconds('192.0.2.1', t0 + 59_500)).toBe(1);
    expect(limiter.blocked('192.0.2.1', t0 + 60_001)).toBe(false);
  });
});
