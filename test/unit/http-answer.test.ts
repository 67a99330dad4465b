// What a server's reply means, as plain data: only HTTP 200 with a JSON object the check accepts is an answer.

import { describe, expect, it } from 'vitest';
import { notAnAnswer, readAnswer } from '../../src/sources/http-answer.js';

describe('a status other than 200', () => {
  it.each([
    [204, true],
    [302, true],
    [400, false],
    [404, false],
    [500, true],
  ])('HTTP %i is a failure, retryable: %s', (status, retryable) => {
    expect(notAnAnswer(status, {})).toMatchObject({ ok: false, code: 'HTTP_STATUS', status, retryable });
  });

  it('429 and 503 are throttling, with the wait the server asked for', () => {
    expect(notAnAnswer(429, { 'retry-after': '3' })).toEqual({
      throttled: true,
      waitMs: 3_000,
      reason: 'HTTP 429',
    });
  });

  it('a redirect names its target, quoted so that it prints safely', () => {
    const failure = notAnAnswer(302, { location: 'https://portal.example/\u001b[2Jlogin' });
    expect(failure).toMatchObject({
      detail: 'HTTP 302 (redirect to "https://portal.example/\\u001b[2Jlogin"), not 200',
    });
  });
});

describe('the body of an HTTP 200', () => {
  it.each([
    ['true', 'the body is a JSON boolean, not an object'],
    ['null', 'the body is JSON null, not an object'],
    ['<html>', 'the body is not JSON ('],
  ])('%s is a retryable HTTP_BAD_BODY', (text, detail) => {
    const failure = readAnswer(text, {});
    expect(failure).toMatchObject({ ok: false, code: 'HTTP_BAD_BODY', retryable: true });
    expect((failure as { detail: string }).detail).toContain(detail);
  });

  it('the check sees the object and its problem is the failure', () => {
    const seen: unknown[] = [];
    const check = (body: unknown) => {
      seen.push(body);
      return 'no "entities" object';
    };
    expect(readAnswer('{"batchcomplete":""}', {}, check)).toMatchObject({
      code: 'HTTP_BAD_BODY',
      detail: 'no "entities" object',
    });
    expect(seen).toEqual([{ batchcomplete: '' }]);
  });

  it('a check that throws has found the answer malformed', () => {
    const check = (body: unknown) => (body as { entities: { length: number } }).entities.length.toString();
    expect(readAnswer('{"entities":null}', {}, check)).toMatchObject({
      code: 'HTTP_BAD_BODY',
      retryable: true,
      detail: expect.stringContaining('the answer could not be checked (Cannot read properties of null'),
    });
  });

  it('an API error is the API’s word: the check is not asked', () => {
    const check = () => 'never';
    expect(readAnswer('{"error":{"code":"no-such-entity","info":"x"}}', {}, check)).toMatchObject({
      code: 'API_ERROR',
      apiCode: 'no-such-entity',
      retryable: false,
    });
    expect(readAnswer('{"error":{"code":"maxlag","lag":7}}', {}, check)).toMatchObject({
      throttled: true,
      reason: 'maxlag (database lag 7 s)',
    });
  });
});
