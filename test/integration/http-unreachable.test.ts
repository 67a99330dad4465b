// A host that cannot be reached at all, against real name resolution and real loopback sockets: an
// unresolvable name (RFC 2606 reserves `.invalid`: it never resolves) and a closed loopback port. The
// request fails with HTTP_UNREACHABLE naming the host and the cause after one try through the gate (the
// probes are bare TCP connects, outside it); the run's record of the host makes later requests fail
// without a try; a host that comes back while being probed is asked again.

import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/jobs/embedded-redis.js';
import type { HttpClient } from '../../src/sources/http.js';
import type { UnreachableHosts } from '../../src/sources/http-reach.js';
import { expectHttpError, httpRig, testHttpClient } from '../support/http-client.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const rig = httpRig<ScriptedServer>('http-unreachable');
const { redis, prefix } = rig;

/** The run's record of unreachable hosts, in memory: what the jobs keep in Redis (run-scope.ts). */
function hostsRecord(): UnreachableHosts & { readonly recorded: Map<string, string> } {
  const recorded = new Map<string, string>();
  return {
    recorded,
    reason: async (host) => recorded.get(host),
    record: async (host, reason) => void recorded.set(host, reason),
  };
}

/** The client as a job of a run asks through it: its view with the run's unreachable hosts, its attempts counted in `tries`. */
function inRun(http: HttpClient, hosts: UnreachableHosts, tries: Record<string, number> = {}) {
  return http.with({
    unreachable: hosts,
    onResponse: (endpoint) => {
      tries[endpoint] = (tries[endpoint] ?? 0) + 1;
    },
  });
}

describe('a host that cannot be reached', () => {
  it('an unresolvable name fails with HTTP_UNREACHABLE after one try, and is recorded for the run', async () => {
    const http = testHttpClient(redis, `${prefix}:dns`);
    const hosts = hostsRecord();
    const url = new URL('http://nonexistent.invalid/w/api.php?action=wbgetentities&ids=Q1');
    const tries: Record<string, number> = {};
    const error = await expectHttpError(inRun(http, hosts, tries).getJson(url, 'wbgetentities'));
    expect(error.code).toBe('HTTP_UNREACHABLE');
    expect(error.reason).toBe(
      'wbgetentities request failed (HTTP_UNREACHABLE) after 1 attempt: cannot resolve nonexistent.invalid (ENOTFOUND)',
    );
    // One try through the gate, not http.retries + 1 of them.
    expect(http.statsByEndpoint().wbgetentities).toMatchObject({ requests: 1, retries: 0, failures: 1 });
    expect(tries).toEqual({ wbgetentities: 1 });
    expect([...hosts.recorded]).toEqual([
      ['nonexistent.invalid', 'cannot resolve nonexistent.invalid (ENOTFOUND)'],
    ]);
    await http.close();
  });

  it('a closed port is refused: the reason names host and port', async () => {
    const port = await freePort();
    const http = testHttpClient(redis, `${prefix}:refused`);
    const error = await expectHttpError(http.getJson(new URL(`http://127.0.0.1:${port}/w/api.php`), 'test'));
    expect(error.code).toBe('HTTP_UNREACHABLE');
    expect(error.reason).toContain(`127.0.0.1:${port} refused the connection (ECONNREFUSED)`);
    expect(http.statsByEndpoint().test?.requests).toBe(1);
    await http.close();
  });

  it('once recorded for the run, its requests fail without a try, and other hosts are still asked', async () => {
    rig.server = await startScriptedServer([{ status: 200, body: { ok: 1 } }]);
    const server = new URL(rig.server.url);
    const http = testHttpClient(redis, `${prefix}:recorded`);
    const hosts = hostsRecord();
    await hosts.record(server.host, `${server.host} refused the connection (ECONNREFUSED)`);
    const tries: Record<string, number> = {};
    const error = await expectHttpError(
      inRun(http, hosts, tries).getJson(new URL('/w/api.php', server), 'test'),
    );
    expect(error.reason).toBe(
      `test request failed (HTTP_UNREACHABLE) without a try: ${server.host} refused the connection (ECONNREFUSED), found earlier in this run`,
    );
    expect(rig.server.arrivals).toHaveLength(0);
    expect(tries).toEqual({});
    // Without the run's record (another run), the same server is asked and answers.
    expect(await http.getJson(new URL('/w/api.php', server), 'test')).toEqual({ ok: 1 });
    expect(rig.server.arrivals).toHaveLength(1);
    await http.close();
  });

  it('a host that starts answering while it is probed is asked again, and the request succeeds', async () => {
    const port = await freePort();
    const http = testHttpClient(redis, `${prefix}:back`);
    const hosts = hostsRecord();
    const tries: Record<string, number> = {};
    const pending = inRun(http, hosts, tries).getJson(new URL(`http://127.0.0.1:${port}/w/api.php`), 'test');
    // The first try is refused; the server comes up before the probes give up.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"back":true}');
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await pending).toEqual({ back: true });
      expect(http.statsByEndpoint().test).toMatchObject({ requests: 2, failures: 0 });
      expect(tries).toEqual({ test: 2 });
      expect(hosts.recorded.size).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await http.close();
    }
  });
});
