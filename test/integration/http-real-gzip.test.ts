// A wbgetentities answer of real size, gzipped, through the client and the parser the Wikidata source
// uses, over a real loopback server: sent with a Content-Length and chunked without one, it decodes
// in 256 KiB output chunks (http-body.ts, DECODED_CHUNK_BYTES), so the document crosses a chunk boundary.
// The body is ASSEMBLED, not one capture: the real captured entities of CAPTURES (files in
// test/fixtures/wikimedia-captures, provenance in its README), each once and unchanged, put in one
// {"entities":{…},"success":1} answer, the shape of a many-ids wbgetentities answer, and written compact
// (as format=json is sent) by JSON.stringify: 359,306 bytes, 64,730 gzipped. The entities come from
// 2015–2026 answers in both formatversions; no real single answer over 256 KiB could be stored here
// (see that README, "An assembled large answer").

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ItemId } from '../../src/model/ids.js';
import { WikidataSource } from '../../src/sources/wikidata.js';
import { parseEntities } from '../../src/sources/wikidata-parse.js';
import { testConfig } from '../support/config.js';
import { wikimediaCapture } from '../support/fixtures.js';
import { expectHttpError, httpRig, testHttpClient } from '../support/http-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';
import { believe } from '../support/parsed.js';

const KiB = 1024;
/** http-body.ts's output chunk for a body not announced small, and the size under which it is not used. */
const DECODED_CHUNK_BYTES = 256 * KiB;
const SMALL_BODY_BYTES = 8 * KiB;

/** Real captures: whole wbgetentities answers (every entity taken) and bare entity documents. */
const CAPTURES = [
  'wdtk_wbgetentities-Q32063953.json', // Q32063953, merged into Q1040 (2018)
  'shared/wdtk_wbgetentities-Q6-Q42-P31.json', // Q6 missing, Q42, P31 (2015)
  'shared/wbsdk_Q2112.json', // Bielefeld (2023)
  'shared/wbsdk_Q4132785.json',
  'shared/wbsdk_Q4115189.json',
  'shared/wbsdk_wbgetentities_response.json', // Q3235026
  'shared/wptools_wbgetentities_novalue_Q483718.json',
  'nomenklatura_wbgetentities_Q137429456.json',
];

function assemble(): Record<string, unknown> {
  const entities: Record<string, unknown> = {};
  for (const file of CAPTURES) {
    const json = wikimediaCapture(file) as { entities?: Record<string, unknown>; id?: string };
    for (const [key, entity] of Object.entries(json.entities ?? { [String(json.id)]: json })) {
      if (key in entities) throw new Error(`${key} is in two captures`);
      entities[key] = entity;
    }
  }
  return { entities, success: 1 };
}

const answer = assemble();
const text = JSON.stringify(answer);
const size = Buffer.byteLength(text);
const gzipped = gzipSync(text);
const ids = Object.keys(answer.entities as object).filter((id): id is ItemId => /^Q\d+$/.test(id));
const sha = (value: string) => createHash('sha256').update(value).digest('hex');

const { fields, languages } = testConfig();
const rig = httpRig<LoopbackServer>('http-real-gzip');
const { redis, prefix } = rig;

/** Serves the gzipped answer to every request, 16 KiB a write, with or without a Content-Length. */
async function serve(announced: boolean) {
  rig.server = await startLoopbackServer((_req, res, write) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
      ...(announced ? { 'content-length': String(gzipped.length) } : {}),
    });
    for (let at = 0; at < gzipped.length; at += 16 * KiB) write(gzipped.subarray(at, at + 16 * KiB));
    res.end();
  });
  return new URL('/w/api.php', rig.server.url);
}

const modes = [
  ['with a Content-Length', true],
  ['chunked, with no length', false],
] as const;

it('the assembled answer decodes into more than one 256 KiB chunk, on the large-body path', () => {
  expect(size).toBeGreaterThan(DECODED_CHUNK_BYTES + 64 * KiB);
  expect(gzipped.length).toBeGreaterThanOrEqual(SMALL_BODY_BYTES);
  expect(ids).toHaveLength(9);
});

describe.each(modes)('a real-sized gzipped wbgetentities answer, %s', (name, announced) => {
  it('decodes to the served document byte for byte', async () => {
    const url = await serve(announced);
    const http = testHttpClient(redis, `${prefix}:bytes:${announced}`);
    const decoded = await http.getJson<unknown>(url, 'wbgetentities');
    // Parsed and written again, the compact document is the same bytes it was served as.
    expect(sha(JSON.stringify(decoded)), name).toBe(sha(text));
    expect(rig.server?.exchanges).toHaveLength(1);
    await http.close();
  });

  it('gives every item, through the Wikidata source and its parser, as the capture parses', async () => {
    const url = await serve(announced);
    const http = testHttpClient(redis, `${prefix}:items:${announced}`);
    const source = new WikidataSource({ http, url: url.origin, languages, fields });
    const result = await source.fetchItems(ids);
    expect(result.failures).toEqual([]);
    expect(result.rejected).toEqual([]);
    const properties = new Set(
      fields.flatMap((f) => (f.source === 'statement' && f.property ? [f.property] : [])),
    );
    expect(result.found).toEqual(believe(parseEntities(answer, ids, { properties, withInfo: true })));
    expect(result.found.get('Q6')).toEqual({ kind: 'missing', requested: 'Q6' });
    expect(result.found.get('Q32063953')).toMatchObject({ id: 'Q1040', redirectedFrom: 'Q32063953' });
    expect(result.found.get('Q2112')).toMatchObject({
      lastrevid: 1867923350,
      labels: { de: 'Bielefeld' },
      statements: { P856: [{ value: { value: 'https://www.bielefeld.de/' } }] },
    });
    expect(rig.server?.exchanges).toHaveLength(1);
    await http.close();
  });

  it('is held to http.maxBodyBytes across chunks: one byte under its decoded size fails, its size passes', async () => {
    // The wire and the announced length are far under both limits: only the decoded count can trip.
    expect(gzipped.length).toBeLessThan(size / 2);
    const url = await serve(announced);
    const under = testHttpClient(redis, `${prefix}:under:${announced}`, { maxBodyBytes: size - 1 });
    const error = await expectHttpError(under.getJson(url, 'wbgetentities'));
    expect(error).toMatchObject({ code: 'HTTP_TOO_LARGE', attempts: 1 });
    expect(error.message).toContain(`http.maxBodyBytes (${size - 1} bytes) decompressed`);
    await under.close();
    const exact = testHttpClient(redis, `${prefix}:exact:${announced}`, { maxBodyBytes: size });
    const decoded = await exact.getJson<unknown>(url, 'wbgetentities');
    expect(sha(JSON.stringify(decoded))).toBe(sha(text));
    expect(rig.server?.exchanges).toHaveLength(2);
    await exact.close();
  });
});
