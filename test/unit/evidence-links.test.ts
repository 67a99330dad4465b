// Evidence links are stored with every proposal and shown on the review page: a proxy's user and
// password in WIKIDATA_URL / WIKIPEDIA_URL must never be part of them.

import { describe, expect, it } from 'vitest';
import type { HttpClient } from '../../src/sources/http.js';
import { HttpError } from '../../src/sources/http-errors.js';
import { WikidataSource } from '../../src/sources/wikidata.js';
import { WikipediaSource } from '../../src/sources/wikipedia.js';
import { withoutCredentials } from '../../src/text/redact.js';

const http = {} as HttpClient; // never called: only links are built

describe('evidence links', () => {
  it('carry no credentials of the configured sites', () => {
    const wikidata = new WikidataSource({
      http,
      url: 'http://proxyuser:pa55-secret@127.0.0.1:9/',
      languages: ['en'],
      fields: [],
    });
    expect(wikidata.itemUrl('Q42', 'Q42$ABC')).toBe('http://127.0.0.1:9/wiki/Q42#Q42%24ABC');
    const wikipedia = new WikipediaSource({ http, url: 'https://u:p4ss@{lang}.wikipedia.org' });
    expect(wikipedia.pageUrl('en', 'Sora (model)')).toBe('https://en.wikipedia.org/wiki/Sora_(model)');
    expect(withoutCredentials('https://www.wikidata.org')).toBe('https://www.wikidata.org');
  });

  it('and a failed request names its URL with the credentials masked', () => {
    const error = new HttpError(
      'HTTP_STATUS',
      'wbgetentities',
      'http://proxyuser:pa55-secret@127.0.0.1:9/w/api.php',
      1,
      'HTTP 500',
    );
    expect(error.message).not.toContain('pa55-secret');
    expect(error.message).toContain('127.0.0.1:9/w/api.php');
  });
});
