// Runs the reliability suite and writes test/reliability/RESULTS.md from the figures its tests record:
//
//   npm run build && node --import tsx test/reliability/results.ts
//
// Exits with the suite's status. The figures go to a temp dir (FACTSYNC_RELIABILITY_RESULTS), removed
// afterwards; RESULTS.md is rewritten only when the suite passed.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const COMMAND = 'npm run build && node --import tsx test/reliability/results.ts';

// biome-ignore lint/suspicious/noExplicitAny: the figures are free-form JSON written by the tests
type Json = Record<string, any>;

function version(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return (result.stdout || result.stderr || '').trim().split('\n')[0] ?? '?';
}

function machine(): string[] {
  const cpus = os.cpus();
  const pgBin = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], {
    encoding: 'utf8',
  });
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.hostname()}, ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.versions.node}; ${version('redis-server', ['--version'])}; ${version(path.join(pgBin.stdout.trim(), 'postgres'), ['--version'])}`,
  ];
}

/** What the suite found in src/, fixed or not. */
const DEFECTS = [
  '## Defects found',
  '',
  'Fixed while writing the suite (each caught by a test here):',
  '',
  '- **A wrong or unreachable `REDIS_URL` printed its password**: `src/jobs/embedded-redis.ts` `ensureRedis` said',
  '  `nothing answers at REDIS_URL (redis.url) <url>` with the raw URL in it; now `redactUrl(url)`.',
  '- **A bad `DATABASE_URL` or `REDIS_URL` printed its password in the config error**: `src/config.ts`',
  '  `loadConfig` ends the message with `got "<value>"`; the values of `redis.url`, `store.url`,',
  '  `wikidata.token`, `serve.token` (and of the sections that hold them) are now shown redacted, or as `(hidden)`.',
  '- **A Redis password was logged**: ioredis attaches the failed command to its errors, and for `AUTH` its',
  '  arguments are the password; pino printed them (`worker` with a wrong password logged',
  '  `"command":{"name":"auth","args":["<password>"]}`: any failed AUTH logs the password tried, a mistyped',
  '  one or the previous one after a rotation). `src/log.ts` now redacts `command.args`.',
  '- **`sync` and `worker` hung for ever when the store was down at start-up**: `src/jobs/runtime.ts`',
  '  `openRuntime` used `Promise.all`; the error was printed, but the Redis connection (and HTTP pool) already',
  '  opened kept the process alive. It now closes what did open and rethrows: exit 1.',
  '- **A JSONL `"wikipedia"` that is not an object was reported as `"wikipedia.lang": … got undefined undefined`**:',
  '  `src/local/read/jsonl-record.ts` now says `"wikipedia": expected an object such as {"lang":"en","title":"…"}`,',
  '  and `describe(undefined)` in `src/model/values.ts` says `nothing`.',
  '',
  '- **A key used twice was read twice, silently**: both records were reconciled under the one key, so the later',
  "  one resolved or superseded the earlier one's proposals. Now a key names one record: `entities` and the",
  "  run's planner (claims in Redis, first in read order) refuse a later record with a key already used, as",
  '  `duplicate key "gen-6": already used by gen-6.md`, and batches leave it out.',
  '',
  'Also noticed, reading the code (not exercised here): a plan job that dies mid-way and runs again pushes its',
  "unreadable records onto the run's Redis list a second time (`src/jobs/run.ts` `processPlan`: `rpush`, never",
  'reset), so the report would list them twice; deleting the list at the start of `processPlan` fixes it.',
];

const table = (head: string[], rows: Array<Array<string | number | undefined>>) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => String(c ?? '').replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** What each mutation of the fuzz suite made of an answer, and the code the run reports it with. */
const FUZZ_KINDS: ReadonlyArray<readonly [kind: string, what: string, code: string]> = [
  ['drop', 'the item left out of `entities`', 'UPSTREAM_INVALID'],
  ['otherId', 'the item under another QID, without `redirects`', 'UPSTREAM_INVALID'],
  ['bogusRedirect', '`redirects` from it to another QID on the item itself', 'UPSTREAM_INVALID'],
  ['labelObject', '`labels.en.value` an object `{"text": …}`', 'UPSTREAM_INVALID'],
  ['badTime', 'a compared time `+100000000000000000-13-45T00:00:00Z`', 'UPSTREAM_INVALID'],
  ['claimsArray', '`claims` the array `[1,2,3]`', 'UPSTREAM_INVALID'],
  ['wrongType', 'a compared item value the string `"Q5"`, or a URL value `42`', 'UPSTREAM_INVALID'],
  ['nul', '`labels.en.value` with U+0000 inside', 'UPSTREAM_INVALID'],
  ['noRevision', '`lastrevid` left out', 'UPSTREAM_INVALID'],
  ['pageDrop', 'the Wikipedia page left out of `pages`, `normalized` and `redirects`', 'UPSTREAM_INVALID'],
  ['pageBadType', 'the Wikipedia page\'s `pageid` the string `"x"`', 'UPSTREAM_INVALID'],
  ['batchcomplete', 'the whole answer: HTTP 200 `{"batchcomplete":""}`', 'HTTP_BAD_BODY'],
  ['entitiesNull', 'the whole answer: HTTP 200 `{"entities":null}`', 'HTTP_BAD_BODY'],
  ['redirect302', 'the whole answer: HTTP 302 `{}`', 'HTTP_STATUS'],
  ['truncated', 'the whole answer: its JSON cut in half', 'HTTP_BAD_BODY'],
  ['huge', 'the whole answer: gzip inflating to 1 MiB past `http.maxBodyBytes`', 'HTTP_TOO_LARGE'],
  ['drip', 'the whole answer: headers, then a byte every 500 ms', 'HTTP_TIMEOUT'],
];

function fuzzSection(fuzz: Json): string {
  const runs = fuzz.runs as Json[];
  const seeds = runs.map((r) => `seed ${r.seed}`);
  const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
  const mib = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
  return `## 6. Upstream fuzz (\`upstream-fuzz.reliability.ts\`, proxy in \`fuzz-proxy.ts\`, mutators in \`fuzz-mutators.ts\`)

${fuzz.entities} generated entities, factsync pointed at a proxy in front of the fake Wikimedia; batches of
${fuzz.config.sync.batchSize}, \`http.timeoutMs\` ${fuzz.config.http.timeoutMs}, \`http.retries\` ${fuzz.config.http.retries}, \`worker.attempts\` ${fuzz.config.worker.attempts}, \`http.maxBodyBytes\` ${mib(fuzz.config.http.maxBodyBytes)}
(the largest item answer of the clean run: ${kib(fuzz.clean.largestItemAnswerBytes)}). A clean run (${fuzz.clean.seconds} s) made ${fuzz.clean.proposals} proposals; a
reviewer accepted ${fuzz.review.accepted}, rejected ${fuzz.review.rejected} and left ${fuzz.review.open} open. Then, over that store, a full run (every
entity fetched again) for each seed, with a tenth of the records drawn as victims: an item victim's
entity spoiled in every full \`wbgetentities\` answer, a page victim's page in every Wikipedia answer,
a whole-request victim's request answered wrong as a whole (its ${fuzz.config.sync.batchSize} entities affected). The entities
affected are those the proxy actually spoiled; the labels lookups are never touched.

${table(
  [
    'mutation',
    'what the answer became',
    'reported as',
    ...seeds.flatMap((s) => [`victims, ${s}`, `answers, ${s}`]),
  ],
  FUZZ_KINDS.map(([kind, what, reported]) => [
    code(kind),
    what,
    code(reported),
    ...runs.flatMap((r) => [r.victimsByKind[kind], r.answersTried[kind]]),
  ]),
)}

${table(
  [
    'run',
    'requests proxied',
    'entities affected',
    'entities failed',
    'decisions checked',
    'decisions preserved',
    'decisions on affected entities',
    'open proposals of affected entities',
    'drips ended by hang-up',
    'reasons',
    'duration',
  ],
  runs.map((r) => [
    `seed ${r.seed}`,
    r.requestsProxied,
    r.entitiesAffected,
    r.entitiesFailed,
    r.decisionsChecked,
    r.decisionsPreserved,
    r.decisionsOfAffected,
    r.openOfAffected,
    r.dripsStoppedByHangUp,
    code(JSON.stringify(Object.fromEntries(Object.entries(r.failureCodes).sort()))),
    `${r.seconds} s`,
  ]),
)}

After each run: no decided proposal changed status or note; no proposal id the clean run did not make;
every affected entity reported failed, with the code its answer calls for (\`UPSTREAM_INVALID\` naming the
QID or page for one entity's answer) and no other entity failed (\`counts.failed\` = entities affected);
every other entity's proposals (ids, statuses, values, notes) exactly as the reviewer left them, and the
affected ones too (an open proposal of a failed entity is not resolved). An answer counts once each
time it was spoiled: retries (\`http.retries\`) and the batch's second attempt ask again (\`huge\` is asked
once an attempt: \`HTTP_TOO_LARGE\` is not retried).
`;
}

function render(dir: string, vitest: Json, totalSeconds: number): string {
  const read = (name: string): Json => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const faults = read('upstream-faults');
  const crashes = read('crashes');
  const outage = read('store-outage');
  const bad = read('bad-input');
  const secrets = read('secrets');
  const fuzz = read('upstream-fuzz');
  const known = (tests: Json[]) => tests.filter((a) => String(a.title).startsWith('KNOWN ISSUE')).length;
  const files = (vitest.testResults as Json[]).map((f) => {
    const name = path.basename(f.name, '.reliability.ts');
    return [
      code(path.relative(ROOT, f.name)),
      f.assertionResults.length,
      f.assertionResults.filter((a: Json) => a.status === 'passed').length,
      known(f.assertionResults),
      `${read(`duration-${name}`).seconds} s`,
    ];
  });
  const allTests = (vitest.testResults as Json[]).flatMap((f) => f.assertionResults as Json[]);
  const client = Object.values(faults.client as Record<string, Json>);
  const sum = (key: string) => client.reduce((n, s) => n + s[key], 0);

  return `# factsync reliability results

Written by \`test/reliability/results.ts\` from the figures the suite's tests record; reproduce with

    ${COMMAND}

(\`npm run test:reliability\` runs the same suite without rewriting this file; \`.ci/run\` runs it after
\`npm test\`). Seeds are fixed (the fake's world: 7; the crash plan: ${crashes.seed}, or
\`FACTSYNC_RELIABILITY_SEED\`), so figures move only a little between runs: fault draws and kill points
depend on timing.

${machine().join('\n')}
- suite: ${vitest.numPassedTests} of ${vitest.numTotalTests} tests passed (${known(allTests)} of them known issues), ${vitest.numFailedTests} failed, ${vitest.numPendingTests + vitest.numTodoTests} skipped; ${totalSeconds} s in all, files one at a time

${table(['file', 'tests', 'passed', 'known issues', 'duration'], files)}

Tests titled "KNOWN ISSUE" (none at the moment) would be \`it.fails\`: they state what should hold, pass
while the defect is there, and turn red when it is fixed.

## 1. Upstream faults (\`upstream-faults.reliability.ts\`)

${faults.entities} generated entities against the fake Wikimedia with ${code(JSON.stringify(faults.faultSpec))}
(5xx 10 %, timeouts 5 % held ${faults.faultSpec.timeoutMs} ms against \`http.timeoutMs\` ${faults.config.http.timeoutMs}, maxlag, 429 and 503 with
Retry-After ${faults.faultSpec.retryAfterSeconds} s), with \`http.retries\` ${faults.config.http.retries} and \`worker.attempts\` ${faults.config.worker.attempts}.

${table(
  ['faults injected', 'count'],
  Object.entries(faults.faultsInjected as Record<string, number>).map(([k, v]) => [k, v]),
)}

- requests answered by the fake: ${faults.requests} (by status ${code(JSON.stringify(faults.byStatus))})
- client: ${sum('requests')} requests, ${sum('retries')} retries, ${sum('throttled')} throttled (waited out), ${sum('failures')} failures
- requests sent before the Retry-After the fake announced (\`stats().earlyRequests\`): **${faults.earlyRequests}**
- run: ${code(JSON.stringify(faults.runCounts))}
- proposals compared (id, entity, qid, field, kind, status, local, remote): clean ${faults.proposals.clean}, faulty ${faults.proposals.faulty}, **equal: ${faults.proposals.equal ? 'yes' : 'no'}**
- durations: clean run ${faults.durations.cleanRunSeconds} s, faulty run ${faults.durations.faultyRunSeconds} s

## 2. Crashes (\`crashes.reliability.ts\`)

${crashes.entities} entities in ${crashes.batches} batches of ${crashes.config.sync.batchSize} (fake latency ${crashes.latencyMs} ms), 2 worker processes,
\`worker.lockDurationMs\` ${crashes.config.worker.lockDurationMs}; Redis a private \`redis-server --appendonly yes --dir <tmp>\`.
Kill points and victims drawn from seed ${crashes.seed}; a victim is always a worker holding batches.

${table(
  ['crash', 'at (s)', 'run batches done', 'batches in hand', 'of them taken down', 'delay into them (ms)'],
  (crashes.kills as Json[]).map((k, i) => [
    `SIGKILL #${i + 1}`,
    k.at,
    k.done,
    k.held,
    k.orphans.length,
    k.delayMs,
  ]),
)}

- Redis restart (SIGTERM, ${Math.round(crashes.redisRestart.downMs)} ms down, started again on the same port and data dir) at ${crashes.redisRestart.at} s, ${crashes.redisRestart.done} batches done: batch jobs in Redis before ${crashes.redisRestart.jobsBefore}, after ${crashes.redisRestart.jobsAfter}
- crashes survived: ${crashes.kills.length} SIGKILLs (${crashes.killedMidBatch} mid-batch, ${crashes.orphanedBatches} batches orphaned and taken up again) and 1 Redis restart
- run: ${code(JSON.stringify(crashes.runCounts))} in ${crashes.runSeconds} s; batches completed ${crashes.batchesCompleted}/${crashes.batches}, failed ${crashes.batchesFailed}
- proposals: clean ${crashes.proposals.clean}, after the crashes ${crashes.proposals.crashed}, no duplicate, **equal: ${crashes.proposals.equal ? 'yes' : 'no'}**

## 3. Store outage (\`store-outage.reliability.ts\`)

PostgreSQL — ${outage.cluster} — stopped ${outage.outageStartedAfterSeconds} s into two runs of ${outage.entities} entities (${outage.batches} batches each,
one worker process each), for **${outage.outageSeconds} s**, then started again. In each run one reconcile
(of \`${outage.parked}\`, whose advisory lock the test held until the stop) was inside its transaction when the server went.

| | worker.attempts 8 | worker.attempts 3 (the default) |
| --- | --- | --- |
| batches done when the store went | ${outage.batchesDoneAtStop.patient} | ${outage.batchesDoneAtStop.defaults} |
| batches failed for good | 0 | ${outage.defaults.batchesFailedForGood} |
| run | ${outage.patient.runSeconds} s, ${code(JSON.stringify(outage.patient.runCounts))} | finalise job **${outage.defaults.finaliseJob}**, run record **${outage.defaults.runStatus}** ${code(JSON.stringify(outage.defaults.runCounts))} |
| retries | ${outage.patient.batchesRetried} batches retried, at most ${outage.patient.maxAttemptsUsed} attempts | reason: ${code(outage.defaults.reasons.join('; '))} |
| proposals | clean ${outage.patient.proposals.clean}, after the outage ${outage.patient.proposals.patient}, **equal: ${outage.patient.proposals.equal ? 'yes' : 'no'}** | — |

Both survive: a store call that finds PostgreSQL unavailable (StoreError \`STORE_UNAVAILABLE\`) waits for it
with backoff, up to \`store.maxWaitMs\` (10 minutes by default; \`src/sinks/waiting-store.ts\`), instead of
failing the batch's attempt; BullMQ keeps renewing the job's lock meanwhile. Before that wrapper the shipped
\`worker.attempts: 3\` (backoff from 2 s: 6 s in all) let the batches that met the outage fail for good, and
the run's \`finalise-run\` job too, so the run record stayed \`running\` for ever. And before the store
listened for \`error\` on a client checked out for a transaction, a connection that died in one (as
the parked reconcile's does) was thrown as an unhandled \`error\` event: "Connection terminated
unexpectedly" killed the worker, and its run never finished (seen twice in CI before the parked
reconcile made it happen every time).

## 4. Bad input (\`bad-input.reliability.ts\`, corpus in \`test/reliability/corpus/\`)

The corpus is written by \`node --import tsx test/reliability/corpus.ts\`; the test checks the files on disk
are exactly what it writes. \`local.maxRecordBytes\` is 4096 in the test, so the "huge" inputs stay small on disk.
Every refused input is reported with exactly this reason by \`factsync entities --json\` and in the run
record; every other one is read as described. A sync of each corpus against the fake completes, and the
records read get exactly the proposals they get without the bad input around (cards: ${bad.cards?.proposals?.corpus} proposals, JSONL: ${bad.jsonl?.proposals?.corpus}).
Every request the fake received was \`/w/api.php\` or \`/wikipedia/en/w/api.php\`, every request factsync
made reached the fake, and the HTML and Markdown reports show injected HTML as text.

| store | inputs | refused | read | run counts |
| --- | --- | --- | --- | --- |
| cards | ${bad.cards?.inputs} | ${bad.cards?.refused} | ${bad.cards?.read} | ${code(JSON.stringify(bad.cards?.runCounts))} |
| JSONL | ${bad.jsonl?.inputs} | ${bad.jsonl?.refused} | ${bad.jsonl?.read} | ${code(JSON.stringify(bad.jsonl?.runCounts))} |

${table(
  ['input', 'what', 'outcome'],
  (bad.inputs as Json[]).map((i) => [
    code(`${i.file}${i.line ? `:${i.line}` : ''}`),
    i.what,
    i.outcome.refused
      ? `refused${i.outcome.reportedLine ? ` (line ${i.outcome.reportedLine})` : ''}: ${code(i.outcome.refused)}`
      : i.outcome.read,
  ]),
)}

Duplicated keys: a second card with a file name already used (in a subfolder), or a second JSONL line with
a \`key\` already used, is refused with \`duplicate key "…": already used by …\` naming the first record, in
\`entities\` and in the run record alike (the first in read order keeps the key). A repeated JSON key within
one line (\`"qid"\` twice) is still read silently, the last value winning (what \`JSON.parse\` does).

## 5. Secrets (\`secrets.reliability.ts\`)

A Redis password (private \`redis-server --requirepass\`), a PostgreSQL password (${secrets.postgres}), \`WIKIMEDIA_TOKEN\` and
\`FACTSYNC_TOKEN\`, each a random value with a recognisable prefix, plus a wrong Redis and a wrong PostgreSQL
password typed in their place. None appears in any command's stdout or stderr, in the report files, in the
Redis append-only file, in the PostgreSQL rows, in the pages and cookies of \`serve\` (signed in with the
token, and refused a wrong one). The fake's request log shows the Wikimedia token in the \`Authorization\`
header of every request.

${table(
  ['command', 'exit', 'output (bytes)', 'secrets in it'],
  (secrets.commands as Json[]).map((c) => [
    code(c.command),
    c.exit,
    c.outputBytes,
    c.leaks.length ? c.leaks.join(', ') : 'none',
  ]),
)}

${fuzzSection(fuzz)}
${DEFECTS.join('\n')}
`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'factsync-reliability-results-'));
try {
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/reliability/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(dir, 'vitest.json')}`,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FACTSYNC_RELIABILITY_RESULTS: dir } },
  );
  const totalSeconds = Math.round((Date.now() - started) / 100) / 10;
  if (run.status !== 0) {
    process.stderr.write(`the reliability suite failed (exit ${run.status}): RESULTS.md left as it was\n`);
    process.exitCode = run.status ?? 1;
  } else {
    const vitest = JSON.parse(readFileSync(path.join(dir, 'vitest.json'), 'utf8')) as Json;
    const out = path.join(HERE, 'RESULTS.md');
    writeFileSync(out, render(dir, vitest, totalSeconds));
    process.stdout.write(`wrote ${path.relative(ROOT, out)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
