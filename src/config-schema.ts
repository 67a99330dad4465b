// The shape of a valid configuration: the zod schema every layer is checked against once merged
// (config.ts), its key by key expectations and their messages, and the Config type the code reads.

import { z } from 'zod';
import type { FieldSpec } from './model/fields.js';
import { isItemId, isPropertyId } from './model/ids.js';

/** The shortest serve.token accepted: shorter ones could be guessed, even at 10 tries a minute. */
export const MIN_TOKEN_LENGTH = 16;

const httpUrl = (what: string) =>
  z.string().refine((value) => /^https?:\/\/[^\s/]+/i.test(value), `expected an http(s) URL of ${what}`);

const fieldSchema = z
  .strictObject({
    type: z.enum(['text', 'item', 'time', 'url', 'page']),
    source: z.enum(['statement', 'label', 'description', 'sitelink']).default('statement'),
    property: z.string().refine(isPropertyId, 'expected a Wikidata property id such as "P31"').optional(),
    many: z.boolean().default(false),
    // Default: true for every type but time (see FieldSpec.current); resolved in loadConfig.
    current: z.boolean().optional(),
    phrases: z.array(z.string().min(1)).default([]),
    jsonld: z.string().min(1).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.source === 'statement' && !field.property) {
      ctx.addIssue({
        code: 'custom',
        path: ['property'],
        message: 'a statement field needs a property such as "P31"',
      });
    }
    if (field.type === 'page' && field.source !== 'sitelink') {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a page field has source: sitelink' });
    }
  });

export const schema = z.strictObject({
  redis: z.strictObject({
    url: z.string().refine((v) => /^rediss?:\/\//.test(v), 'expected a redis:// or rediss:// URL'),
    // Unset: each store gets a prefix of its own (see jobs/store-scope.ts); set: used as is.
    prefix: z
      .string()
      // `{…}`: a hash tag as BullMQ's docs write it for a Redis Cluster, used as is there too.
      .regex(
        /^(\{[A-Za-z0-9_.-]+\}|[A-Za-z0-9_.-]+)$/,
        'expected letters, digits, "_", "." or "-" (or them in braces)',
      )
      .optional(),
    // A Redis Cluster (redis.url is one of its nodes; the others are found from it): connections are
    // ioredis Clusters and every prefix is a hash tag, `{factsync-…}` (see jobs/store-scope.ts).
    cluster: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
        error: 'expected true or false',
      })
      .optional(),
  }),
  wikidata: z.strictObject({
    url: httpUrl('the Wikidata site, such as https://www.wikidata.org'),
    token: z.string().min(1).optional(),
    labelTtlSeconds: z.coerce.number().int().min(0),
    maxReferencedItems: z.coerce.number().int().min(1).max(100_000),
  }),
  wikipedia: z.strictObject({
    url: httpUrl('the Wikipedia site, with {lang}: https://{lang}.wikipedia.org'),
  }),
  http: z.strictObject({
    userAgent: z.string().min(8, 'expected a descriptive User-Agent with a contact'),
    concurrency: z.coerce.number().int().min(1).max(16),
    ratePerSecond: z.coerce.number().positive().max(1000),
    retries: z.coerce.number().int().min(0).max(20),
    // One attempt in all: connect, headers and the whole body (also the gate's slot lease, plus 5 s).
    timeoutMs: z.coerce.number().int().min(100).max(600_000),
    // The largest answer accepted, on the wire and once decompressed (a gzip bomb stops here).
    maxBodyBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * 1024 * 1024),
    maxWaitMs: z.coerce.number().int().min(0),
    // Requests an hour across all workers: `auto` is Wikimedia's anonymous allowance, or the
    // authenticated one when wikidata.token is set (resolved by budgetPerHour()).
    budgetPerHour: z.union([z.literal('auto'), z.coerce.number().int().min(10).max(100_000_000)]),
    // Requests in any minute across all workers, all at once if need be: `auto` is Wikimedia's
    // per-minute figure for clients like this one (resolved by budgetPerMinute()).
    budgetPerMinute: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(10_000_000)]),
  }),
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}(-[a-z0-9-]+)?$/, 'expected a language code such as "en"'))
    .min(1),
  local: z.strictObject({
    kind: z.enum(['cards', 'jsonl']),
    path: z.string().min(1),
    maxRecordBytes: z.coerce.number().int().min(1024),
  }),
  store: z.strictObject({
    kind: z.enum(['sqlite', 'postgres']),
    path: z.string().min(1),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
    maxWaitMs: z.coerce.number().int().min(0),
    // One store reached by different paths or host names (jobs/store-scope.ts).
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'expected letters, digits, "_", ".", ":" or "-"')
      .optional(),
  }),
  reports: z.strictObject({ dir: z.string().min(1) }),
  worker: z.strictObject({
    concurrency: z.coerce.number().int().min(1).max(64),
    attempts: z.coerce.number().int().min(1).max(20),
    lockDurationMs: z.coerce.number().int().min(1000),
    shutdownTimeoutMs: z.coerce.number().int().min(0),
  }),
  sync: z.strictObject({
    batchSize: z.coerce.number().int().min(1).max(500),
    strategy: z.enum(['auto', 'sweep', 'feed']),
    feedBatchSize: z.coerce.number().int().min(1).max(100_000),
    verifyDays: z.coerce.number().int().min(1).max(3650),
    nightHours: z.coerce.number().positive().max(24),
  }),
  // `factsync watch` (jobs/watch.ts): the EventStreams recentchange stream. Defaults here, so configs
  // written before the watcher still load.
  watch: z
    .strictObject({
      url: httpUrl('the EventStreams recentchange stream').default(
        'https://stream.wikimedia.org/v2/stream/recentchange',
      ),
      leaseMs: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
      // Wikimedia keeps about a week of the stream; a watcher down longer starts again from now.
      retentionHours: z.coerce
        .number()
        .positive()
        .max(24 * 30)
        .default(7 * 24),
      backoffBaseMs: z.coerce.number().int().min(1).max(600_000).default(1_000),
      backoffMaxMs: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
      // No byte for this long and the connection is taken for dead (the real stream is never that quiet).
      idleTimeoutMs: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    })
    .prefault({}),
  schedule: z.strictObject({
    cron: z.string().regex(/^(\S+\s+){4,5}\S+$/, 'expected a cron expression such as "0 3 * * *"'),
    tz: z.string().refine(isTimeZone, 'expected an IANA time zone such as "UTC" or "Europe/Paris"'),
  }),
  serve: z.strictObject({
    port: z.coerce.number().int().min(0).max(65_535),
    host: z.string().min(1),
    // Coerced, so no message quotes it for its type; a secret key's value is never shown (shownValue).
    token: z.coerce
      .string()
      .min(
        MIN_TOKEN_LENGTH,
        `expected at least ${MIN_TOKEN_LENGTH} characters (\`openssl rand -hex 32\` makes a good one)`,
      )
      .optional(),
    // Host names the page answers to besides loopback and serve.host (DNS-rebinding defence); a list,
    // or comma-separated in FACTSYNC_ALLOWED_HOSTS.
    allowedHosts: z.preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((entry) => entry.trim())
              .filter(Boolean)
          : value,
      z.array(
        z
          .string()
          .regex(
            /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.:-]+)(:\d{1,5})?$/,
            'expected a host name or address, with :port to pin one (review.example.org, 192.0.2.7:8080)',
          ),
      ),
    ),
  }),
  // The circuit breaker (src/model/breaker.ts): shares of the entities compared, 0 turning a rule off;
  // the cooling-off for fresh edits (src/jobs/cooling-off.ts), in hours, 0 turning it off.
  review: z.strictObject({
    maxNewShare: z.coerce.number().min(0).max(1),
    maxNewFieldShare: z.coerce.number().min(0).max(1),
    minHeld: z.coerce.number().int().min(0),
    coolingOffHours: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
  }),
  compare: z.strictObject({
    // Qualifiers that tell several values of a single-valued field apart (a website per language).
    qualifiers: z.array(z.string().refine(isPropertyId, 'expected a Wikidata property id such as "P407"')),
    // The item of each label language, for "language of work or name" (P407): built in for common
    // languages, set here for others (or to override).
    languageItems: z.record(
      z.string().regex(/^[a-z]{2,3}(-[a-z0-9-]+)?$/, 'expected a language code such as "en"'),
      z.string().refine(isItemId, 'expected a Wikidata item id such as "Q1860"'),
    ),
  }),
  log: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  }),
  fields: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a field name of letters and digits'),
      fieldSchema,
    )
    .refine((fields) => Object.keys(fields).length > 0, 'expected at least one field'),
});

export type RawConfig = z.infer<typeof schema>;
export type Config = Omit<RawConfig, 'fields'> & { readonly fields: readonly FieldSpec[] };

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
