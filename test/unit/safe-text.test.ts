// Text made safe to print: control characters as visible escapes, secrets masked.

import { describe, expect, it } from 'vitest';
import { escapeControl, escapeJsonControl } from '../../src/text/escape.js';
import { redactSecrets, redactUrl, secretValuesInYaml, withoutValues } from '../../src/text/redact.js';
import { controlsIn } from '../support/controls.js';

describe('escapeControl', () => {
  it.each([
    ['an OSC title and a clear-screen', '\u001b]0;TITLE\u0007\u001b[2J', '\\x1b]0;TITLE\\x07\\x1b[2J'],
    ['a line break that would forge a list line', 'a\n- forged', 'a\\n- forged'],
    ['CR, CRLF and TAB', 'a\rb\r\nc\td', 'a\\rb\\r\\nc\\td'],
    ['NUL, DEL and a C1 CSI', '\u0000\u007f\u009b31m', '\\x00\\x7f\\u009b31m'],
    ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi overrides and isolates', '\u202eevil\u202c \u2066x\u2069', '\\u202eevil\\u202c \\u2066x\\u2069'],
    [
      'printable text, accents, CJK and emoji untouched',
      'Café → 東京 🎬 "q" \\ /',
      'Café → 東京 🎬 "q" \\ /',
    ],
    ['the empty string', '', ''],
  ])('%s', (_, text, shown) => {
    expect(escapeControl(text)).toBe(shown);
  });

  it.each([
    ['keeps line breaks and tabs', 'a\n\tb\r\nc', 'a\n\tb\r\nc'],
    ['still escapes a lone CR, ESC and bidi', 'a\rb\u001b[2J\u202e', 'a\\rb\\x1b[2J\\u202e'],
  ])('with keepLayout, %s', (_, text, shown) => {
    expect(escapeControl(text, { keepLayout: true })).toBe(shown);
  });
});

describe('escapeJsonControl', () => {
  it('escapes what JSON.stringify leaves raw, and the JSON parses to the same value', () => {
    const value = { label: 'a\u001b[2J\u009b\u007f\u2028\u202eb', n: 1 };
    const json = escapeJsonControl(JSON.stringify(value));
    expect(controlsIn(json)).toEqual([]);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('redactSecrets', () => {
  it.each([
    ['a password in the userinfo', 'postgres://u:s3cret@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['a Redis password with an empty user', 'redis://:s3cret@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['a user alone, which may be a token', 'https://ghp_abc123@github.com/x', 'https://***@github.com/x'],
    ['a password holding "@"', 'http://user:p@ss@host/', 'http://user:***@host/'],
    [
      'a URL inside a message',
      'GET http://user:pa55@127.0.0.1:9/w/api.php failed',
      'GET http://user:***@127.0.0.1:9/w/api.php failed',
    ],
    ['?password=', 'postgres://u@h/db?password=s3cret', 'postgres://***@h/db?password=***'],
    ['&sslpassword= and a fragment', 'x://h/?a=1&sslpassword=s3cret#f', 'x://h/?a=1&sslpassword=***#f'],
    [
      'token, secret, key, apikey, any case',
      '?Token=a&SECRET=b&key=c&ApiKey=d',
      '?Token=***&SECRET=***&key=***&ApiKey=***',
    ],
    [
      'access_token, api_key, client_secret, x-api-key',
      '?access_token=a&api_key=b&client_secret=c&x-api-key=d',
      '?access_token=***&api_key=***&client_secret=***&x-api-key=***',
    ],
    ['pass and pwd', 'pass=a pwd=b', 'pass=*** pwd=***'],
    ['an Authorization header', 'Authorization: Bearer abc.def-123', 'Authorization: Bearer ***'],
    [
      'an authorization header in JSON',
      '{"authorization":"Basic dXNlcjpwYXNz"}',
      '{"authorization":"Basic ***"}',
    ],
    ['a bearer token on its own', 'sent Bearer wmtoken0123456789abcdef', 'sent Bearer ***'],
  ])('%s', (_, text, shown) => {
    expect(redactSecrets(text)).toBe(shown);
  });

  it.each([
    ['a URL without credentials', 'https://www.wikidata.org/w/api.php?action=wbgetentities&ids=Q1'],
    ['an email address in a User-Agent', 'factsync/1.0 (https://example.org; me@example.org)'],
    ['a parameter that only ends like a secret word', '?monkey=1&rctoken=2&keys=3'],
    ['prose about tokens', 'set FACTSYNC_TOKEN for writes; a bearer token raises the limit'],
  ])('leaves %s alone', (_, text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('keeps JSON valid', () => {
    const value = {
      url: 'http://u:p"w@h/?token=a\\b"c',
      msg: 'see https://a.org, "me@x.org"',
      header: { authorization: 'Bearer abcdefgh12' },
    };
    const json = redactSecrets(JSON.stringify(value));
    const parsed = JSON.parse(json);
    expect(json).not.toContain('abcdefgh12');
    expect(parsed.msg).toBe(value.msg);
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://u@127.0.0.1:1/db?password=s3cret', 'postgres://***@127.0.0.1:1/db?password=***'],
    ['postgres://role:s3cret@127.0.0.1:5432/db', 'postgres://role:***@127.0.0.1:5432/db'],
    ['postgres://role:s3/cr?et@127.0.0.1/db', 'postgres://role:***@127.0.0.1/db'],
    ['redis://:s3cret@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['http://user:pa55@127.0.0.1:9/', 'http://user:***@127.0.0.1:9/'],
    ['https://bot:s3cret@{lang}.example.org', 'https://bot:***@{lang}.example.org'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['https://{lang}.wikipedia.org', 'https://{lang}.wikipedia.org'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('secret values of a YAML text', () => {
  it.each([
    ['a block key', 'wikidata:\n  token: t0ken-abc\n  url: https://x\n', ['t0ken-abc']],
    ['a quoted value', 'serve:\n  token: "t0ken-abc"\n', ['"t0ken-abc"', 't0ken-abc']],
    [
      'an unclosed quote running on',
      'serve:\n  token: "t0ken-abc\n    more-of-it\nredis: {}\n',
      ['"t0ken-abc', 'more-of-it', 't0ken-abc'],
    ],
    [
      'a block scalar',
      'x:\n  password: |\n    line-one\n    line-two\n  other: 1\n',
      ['line-one', 'line-two'],
    ],
    ['a flow mapping', 'wikidata: {url: https://x, token: t0ken-abc}\n', ['t0ken-abc']],
    ['longer secret-named keys', 'db:\n  sslpassword: pw-one\n  api_key: key-two\n', ['key-two', 'pw-one']],
    ['no secret key', 'http:\n  tokens: 5\n  monkey: banana\n', []],
  ])('%s', (_, yaml, values) => {
    expect(secretValuesInYaml(yaml).sort()).toEqual([...values].sort());
  });

  it('are masked in a message that quotes them', () => {
    const yaml = 'wikidata:\n  token: t0ken-abc: x\n';
    expect(withoutValues('at line 2: token: t0ken-abc: x', secretValuesInYaml(yaml))).toBe(
      'at line 2: token: ***',
    );
  });
});
