// Only a whole answer is an answer: HTTP 200 with a JSON object that passes the caller's check.
// Anything else — a redirect, a 204, a JSON null, an envelope without its data — is a failure that is
// retried and then thrown, never handed to a source as the truth. Real loopback server, real Redis gate.

import { describe, expect, it } from 'vitest';
import { wikimediaFixture } from '../support/fixtures.js';
import { expectHttpError, httpRig, testHttpClient } from '../support/http-client.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const rig = httpRig<ScriptedServer>('http-answers');
const { redis, prefix } = rig;

describe('only HTTP 200 is an answer', () => {
  it.each([
    ['a 302 with {} (undici does not follow redirects)', { status: 302, headers: { location: '/login' } }],
    ['a 204 with no body', { status: 204, body: '' }],
    ['a 203 with an entities object', { status: 203, body: { entities: { Q1: { id: 'Q1' } } } }],
  ])('%s is retried, then fails with HTTP_STATUS', async (name, answer) => {
    rig.server = await startScriptedServer([answer]);
    const http = testHttpClient(redis, `${prefix}:status:${name}`, { retries: 2 });
    const url = new URL(`${rig.server.url}/w/api.php?action=wbgetentities&ids=Q1`);
    const error = await expectHttpError(http.getJson(url, 'wbgetentities'));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: answer.status, attempts: 3 });
    expect(error.message).toContain(`HTTP ${answer.status}`);
    expect(rig.server.arrivals).toHaveLength(3);
    expect(http.statsByEndpoint().wbgetentities).toMatchObject({ requests: 3, retries: 2, failures: 1 });
    await http.close();
  });

  it('a redirect that passes is followed by the answer', async () => {
    rig.server = await startScriptedServer([
      { status: 307, body: {} },
      { status: 200, body: { success: 1 } },
    ]);
    const http = testHttpClient(redis, `${prefix}:status-passes`);
    expect(await http.getJson(new URL(rig.server.url), 'test')).toEqual({ success: 1 });
    expect(rig.server.arrivals).toHaveLength(2);
    await http.close();
  });
});

describe('the body must be a JSON object', () => {
  it.each([
    ['null', 'the body is JSON null, not an object'],
    ['[]', 'the body is a JSON array, not an object'],
    ['"x"', 'the body is a JSON string, not an object'],
    ['42', 'the body is a JSON number, not an object'],
  ])('%s is retried, then fails with HTTP_BAD_BODY', async (body, detail) => {
    rig.server = await startScriptedServer([{ status: 200, body }]);
    const http = testHttpClient(redis, `${prefix}:shape:${body}`, { retries: 1 });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'wbgetentities'));
    expect(error).toMatchObject({ code: 'HTTP_BAD_BODY', status: 200, attempts: 2 });
    expect(error.message).toContain(detail);
    expect(rig.server.arrivals).toHaveLength(2);
    await http.close();
  });
});

describe("the caller's check of the answer", () => {
  const entitiesPresent = (body: unknown) =>
    typeof (body as { entities?: unknown }).entities === 'object' && (body as { entities?: unknown }).entities
      ? undefined
      : 'the answer has no "entities" object';

  it('a refused answer is retried, then fails with HTTP_BAD_BODY and the check’s text', async () => {
    rig.server = await startScriptedServer([{ status: 200, body: { batchcomplete: '' } }]);
    const http = testHttpClient(redis, `${prefix}:check-refuses`, { retries: 2 });
    const error = await expectHttpError(
      http.getJson(new URL(rig.server.url), 'wbgetentities', { check: entitiesPresent }),
    );
    expect(error).toMatchObject({ code: 'HTTP_BAD_BODY', attempts: 3 });
    expect(error.message).toContain('the answer has no "entities" object');
    expect(rig.server.arrivals).toHaveLength(3);
    await http.close();
  });

  it('a malformed answer that passes on retry is returned', async () => {
    rig.server = await startScriptedServer([
      { status: 200, body: { entities: null } },
      { status: 200, body: { entities: { Q1: { id: 'Q1' } } } },
    ]);
    const http = testHttpClient(redis, `${prefix}:check-passes`);
    expect(await http.getJson(new URL(rig.server.url), 'wbgetentities', { check: entitiesPresent })).toEqual({
      entities: { Q1: { id: 'Q1' } },
    });
    expect(rig.server.arrivals).toHaveLength(2);
    await http.close();
  });

  it('an API error is still an API error, not a failed check', async () => {
    rig.server = await startScriptedServer([
      { status: 200, body: wikimediaFixture('wbgetentities_error_no_such_entity.json') },
    ]);
    const http = testHttpClient(redis, `${prefix}:check-apierror`);
    const error = await expectHttpError(
      http.getJson(new URL(rig.server.url), 'wbgetentities', { check: entitiesPresent }),
    );
    expect(error).toMatchObject({ code: 'API_ERROR', apiCode: 'no-such-entity', attempts: 1 });
    await http.close();
  });
});
