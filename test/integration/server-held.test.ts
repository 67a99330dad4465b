// Releasing or discarding a held run's proposals through the review server (POST /runs/:id/held), over
// real HTTP on loopback against a real store whose runs the circuit breaker held: the JSON API's answers
// and refusals (400, 403, 404, 409, nothing written), and the run page's form, which redirects back to
// the run, where the note says what was done and the buttons are gone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededServe, seededServe, TOKEN } from '../browser/harness.js';
import { SEED_RUN, seed, seedHeldRun } from '../browser/seed.js';
import { postForm, raw } from './server-http.js';

let served: SeededServe;
const RELEASED = 'night-released';
const DISCARDED = 'night-discarded';
const BY_FORM = 'night-form';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** A script's request: the token as a Bearer header unless `headers` says otherwise. */
const post = (
  runId: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
) =>
  raw(served.url, {
    method: 'POST',
    path: `/runs/${encodeURIComponent(runId)}/held`,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(body),
  });

const statuses = async (runId: string) =>
  (await served.store.list({ firstRun: runId }, { limit: 100 })).proposals.map((p) => p.status);

beforeAll(async () => {
  served = await seededServe('held');
  await seed(served.store);
  await seedHeldRun(served.store, RELEASED, 4);
  await seedHeldRun(served.store, DISCARDED, 3);
  await seedHeldRun(served.store, BY_FORM, 3);
});
afterAll(async () => served?.close());

describe('POST /runs/:id/held (JSON)', () => {
  it('refuses a bad body with 400, an unknown run with 404, a run not held with 409; nothing written', async () => {
    const cases: [string, unknown, number, string][] = [
      [RELEASED, {}, 400, 'action: expected release or discard'],
      [RELEASED, { action: 'delete' }, 400, 'action: expected release or discard'],
      [RELEASED, { action: 'discard', note: 7 }, 400, 'note: expected text'],
      [RELEASED, { action: 'discard', note: 'x'.repeat(1001) }, 400, 'note: at most 1000 characters'],
      ['no-such-run', { action: 'release' }, 404, 'no run "no-such-run" in the store'],
      [SEED_RUN, { action: 'release' }, 409, `run ${SEED_RUN} was not held by the circuit breaker`],
    ];
    for (const [runId, body, status, error] of cases) {
      const response = await post(runId, body);
      expect({ status: response.status, error: JSON.parse(response.body).error }).toEqual({
        status,
        error: expect.stringContaining(error),
      });
    }
    expect(await statuses(RELEASED)).toEqual(['held', 'held', 'held', 'held']);
    expect((await served.store.getRun(RELEASED))?.held?.settled).toBeUndefined();
  });

  it('refuses a request without the token, or from another site, and writes nothing', async () => {
    const anonymous = await post(RELEASED, { action: 'release' }, {});
    expect(anonymous.status).toBe(403);
    const foreign = await post(
      RELEASED,
      { action: 'release' },
      { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error).toBe('A change sent from another site is refused.');
    expect(await statuses(RELEASED)).toEqual(['held', 'held', 'held', 'held']);
  });

  it('releases: the held proposals become open (a decision taken meanwhile stays), and the run says so', async () => {
    const [first] = (await served.store.list({ firstRun: RELEASED, status: ['held'] }, { limit: 1 }))
      .proposals;
    await served.store.review([first?.id as string], { side: 'card' }, new Date().toISOString());
    const response = await post(RELEASED, { action: 'release' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ run: RELEASED, action: 'released', proposals: 3 });
    expect((await statuses(RELEASED)).sort()).toEqual(['decided', 'open', 'open', 'open']);
    expect((await served.store.get([first?.id as string]))[0]).toMatchObject({ side: 'card' });
    expect((await served.store.getRun(RELEASED))?.held?.settled).toMatchObject({
      action: 'released',
      proposals: 3,
    });
  });

  it('discards with a note: each held proposal decided none, the note kept', async () => {
    const response = await post(DISCARDED, { action: 'discard', note: '  mass edit, reverted  ' });
    expect(JSON.parse(response.body)).toEqual({ run: DISCARDED, action: 'discarded', proposals: 3 });
    const stored = await served.store.list({ firstRun: DISCARDED }, { limit: 100 });
    expect(stored.proposals.map((p) => [p.status, p.side, p.note])).toEqual([
      ['decided', 'none', 'mass edit, reverted'],
      ['decided', 'none', 'mass edit, reverted'],
      ['decided', 'none', 'mass edit, reverted'],
    ]);
  });
});

describe("the run's page", () => {
  it('offers the two buttons on a held run; its form settles it and comes back to the run', async () => {
    const before = await raw(served.url, { path: `/runs/${BY_FORM}` });
    expect(before.body).toContain(`action="/runs/${BY_FORM}/held"`);
    expect(before.body).toContain('Release 3 held proposals</button>');
    expect(before.body).toContain('Discard them</button>');

    const form = await postForm(served.url, `/runs/${BY_FORM}/held`, 'action=discard&note=', {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe(`/runs/${BY_FORM}`);
    const after = await raw(served.url, { path: `/runs/${BY_FORM}` });
    expect(after.body).toContain('held by the circuit breaker (3 new proposals for 3 entities compared');
    expect(after.body).toContain('); 3 proposals discarded on 20');
    expect(after.body).not.toContain(`/runs/${BY_FORM}/held`);
    // No note given: the CLI's default one.
    const [one] = (await served.store.list({ firstRun: BY_FORM }, { limit: 1 })).proposals;
    expect(one).toMatchObject({ side: 'none', note: `discarded with held run ${BY_FORM}` });
  });

  it('shows no buttons on a run that was not held, and a refused form gets a page back to the run', async () => {
    const normal = await raw(served.url, { path: `/runs/${SEED_RUN}` });
    expect(normal.body).not.toContain('/held"');
    const form = await postForm(served.url, `/runs/${SEED_RUN}/held`, 'action=release', {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(form.status).toBe(409);
    expect(form.body).toContain('was not held by the circuit breaker');
    expect(form.body).toContain(`href="/runs/${SEED_RUN}"`);
  });
});
