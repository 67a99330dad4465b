// Configuration: config/default.yaml, overlaid by `--config FILE`, overlaid by environment variables,
// validated once at start-up. The only module that reads process.env. A bad value throws ConfigError,
// which the CLI turns into exit code 2 and a message naming the key, what it expects and where it came from.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type YAMLError } from 'yaml';
import { z } from 'zod';
import type { FieldSpec } from './model/fields.js';
import { isItemId, isPropertyId } from './model/ids.js';
import { redactSecrets, redactUrl, secretValuesInYaml, withoutValues } from './text/redact.js';

export { redactUrl } from './text/redact.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULTS_FILE = path.join(PROJECT_ROOT, 'config', 'default.yaml');

const packageVersion = (): string =>
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Environment variables and the keys they set (SPEC §7). */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  REDIS_URL: 'redis.url',
  FACTSYNC_PREFIX: 'redis.prefix',
  WIKIDATA_URL: 'wikidata.url',
  WIKIMEDIA_TOKEN: 'wikidata.token',
  WIKIPEDIA_URL: 'wikipedia.url',
  FACTSYNC_USER_AGENT: 'http.userAgent',
  FACTSYNC_LOCAL: 'local.path',
  FACTSYNC_LOCAL_KIND: 'local.kind',
  DATABASE_URL: 'store.url',
  FACTSYNC_STORE_NAME: 'store.name',
  FACTSYNC_LOG_LEVEL: 'log.level',
  FACTSYNC_LOG_FORMAT: 'log.format',
  FACTSYNC_TOKEN: 'serve.token',
  FACTSYNC_ALLOWED_HOSTS: 'serve.allowedHosts',
};

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

const schema = z.strictObject({
  redis: z.strictObject({
    url: z.string().refine((v) => /^rediss?:\/\//.test(v), 'expected a redis:// or rediss:// URL'),
    // Unset: each store gets a prefix of its own (see jobs/store-scope.ts); set: used as is.
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"')
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

type RawConfig = z.infer<typeof schema>;
export type Config = Omit<RawConfig, 'fields'> & { readonly fields: readonly FieldSpec[] };

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** `--config FILE`: overlaid on the defaults. */
  file?: string;
  /** The environment to read; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides from command-line flags, as dotted keys: { 'local.path': '…' }. Win over everything. */
  overrides?: Readonly<Record<string, unknown>>;
}

type Tree = Record<string, unknown>;

function readYaml(file: string, what: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      what,
      `${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const doc = parseDocument(text, { prettyErrors: true });
  const problem = doc.errors[0];
  if (problem)
    throw new ConfigError(what, `${what}: ${file} is not valid YAML ${yamlProblem(problem, text)}`);
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (error) {
    // An alias to no anchor, or one that expands without end: the message names the alias, not a line.
    const problem = withoutValues(redactSecrets((error as Error).message), secretValuesInYaml(text));
    throw new ConfigError(what, `${what}: ${file} is not valid YAML: ${problem}`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(what, `${what}: ${file} must hold a mapping of keys, such as "redis: {url: …}"`);
  }
  return value as Tree;
}

/**
 * Where and what: "at line 3, column 1: Missing closing quote". The parser's own message goes on to
 * quote the lines around the error, which may hold a token or a password: that excerpt is dropped,
 * and any secret value of the file the rest still quotes is masked.
 */
function yamlProblem(problem: YAMLError, text: string): string {
  const [first = problem.code] = problem.message.split('\n');
  const what = first.replace(/ at line \d+, column \d+:?\s*$/, '');
  const at = problem.linePos?.[0];
  const where = at ? `at line ${at.line}, column ${at.col}` : `at offset ${problem.pos[0]}`;
  return `${where}: ${withoutValues(redactSecrets(what), secretValuesInYaml(text))}`;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of mappings; lists and scalars are replaced, never concatenated. */
function overlay(base: Tree, top: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(top)) {
    out[key] = isTree(value) && isTree(out[key]) ? overlay(out[key] as Tree, value) : value;
  }
  return out;
}

function setKey(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts.at(-1) as string] = value;
}

function getKey(tree: Tree, parts: readonly PropertyKey[]): unknown {
  let node: unknown = tree;
  for (const part of parts) node = isTree(node) ? node[String(part)] : undefined;
  return node;
}

/** Resolves relative paths: those from a config file against its folder, the rest against the cwd. */
function resolvePaths(config: RawConfig, fileTree: Tree, file: string | undefined): void {
  const keys = [
    ['local', 'path'],
    ['store', 'path'],
    ['reports', 'dir'],
  ] as const;
  for (const [section, key] of keys) {
    const node = config[section] as Record<string, string>;
    const fromFile = file !== undefined && getKey(fileTree, [section, key]) === node[key];
    node[key] = path.resolve(fromFile ? path.dirname(file) : process.cwd(), node[key] as string);
  }
}

/** Keys whose value is a secret, or a connection string that may be one when not URL-shaped. */
const SECRET_KEYS = new Set(['wikidata.token', 'serve.token', 'redis.url', 'store.url']);
/** Keys whose value is a URL: its userinfo or query string may carry a credential. */
const URL_KEYS = new Set(['redis.url', 'store.url', 'wikidata.url', 'wikipedia.url']);
const URL_SHAPED = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A value as a validation message may show it: a URL with its credentials hidden; a secret, or a
 * section that holds one (`store` given as a string), not at all; any other text with whatever looks
 * like a credential masked.
 */
function shownValue(key: string, value: unknown): unknown {
  if (value === undefined) return value;
  if (URL_KEYS.has(key) && typeof value === 'string' && URL_SHAPED.test(value)) return redactUrl(value);
  const holdsSecret =
    [...SECRET_KEYS].some((k) => k === key || k.startsWith(`${key}.`)) || key === '(top level)';
  if (holdsSecret) return '(hidden)';
  return typeof value === 'string' ? redactSecrets(value) : value;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  let tree = readYaml(DEFAULTS_FILE, 'defaults');
  let fileTree: Tree = {};
  if (options.file) {
    fileTree = readYaml(options.file, '--config');
    tree = overlay(tree, fileTree);
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setKey(tree, key, value);
    sources.set(key, `environment variable ${name}`);
    if (name === 'DATABASE_URL') {
      setKey(tree, 'store.kind', 'postgres');
      sources.set('store.kind', 'environment variable DATABASE_URL');
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setKey(tree, key, value);
    sources.set(key, 'the command line');
  }

  const parsed = schema.safeParse(tree);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const keys =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    const key = (keys[0] ?? []).map(String).join('.') || '(top level)';
    const where =
      sources.get(key) ??
      (options.file && getKey(fileTree, keys[0] ?? []) !== undefined ? options.file : undefined);
    const got = shownValue(key, getKey(tree, issue.path));
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key "${key}"`
        : `${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`;
    throw new ConfigError(key, `config ${key}: ${message}${where ? ` (from ${where})` : ''}`);
  }
  const config = parsed.data;
  resolvePaths(config, fileTree, options.file ? path.resolve(options.file) : undefined);
  if (config.store.kind === 'postgres' && !config.store.url) {
    throw new ConfigError(
      'store.url',
      'config store.url: store.kind is postgres, so a postgres:// URL is needed (or DATABASE_URL)',
    );
  }
  config.http.userAgent = config.http.userAgent.replace('{version}', packageVersion());
  const fields: FieldSpec[] = Object.entries(config.fields).map(
    ([name, spec]) => ({ name, ...spec, current: spec.current ?? spec.type !== 'time' }) as FieldSpec,
  );
  return { ...config, fields };
}

/**
 * The config as a user may see it: every secret replaced by "***", the credentials of every URL
 * hidden, and any other value that looks like it carries one masked.
 */
export function redactedConfig(config: Config): unknown {
  const copy = structuredClone({
    ...config,
    fields: Object.fromEntries(config.fields.map((f) => [f.name, f])),
  });
  const hide = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (URL_KEYS.has(key)) return redactUrl(value);
      return SECRET_KEYS.has(key) ? '***' : redactSecrets(value);
    }
    if (Array.isArray(value)) return value.map((item) => hide(item, key));
    if (isTree(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hide(v, key ? `${key}.${k}` : k)]));
    return value;
  };
  return hide(copy, '');
}

/** Wikimedia's hourly allowances (mediawiki.org, "Wikimedia APIs/Rate limits", 2026): conservative figures. */
export const ANONYMOUS_BUDGET_PER_HOUR = 500;
export const TOKEN_BUDGET_PER_HOUR = 5_000;

/**
 * Wikimedia's per-minute limits. Wikimedia moved "from per-hour limits to per-minute limits" with the
 * roll-out of 24 April 2026 (mediawiki-api list, "Roll out of global API rate limits for identified
 * requests"); the figures are on mediawiki.org, "Wikimedia APIs/Rate limits", which we could not read
 * ourselves: as quoted from it (updated 2026-06-03) by projects that follow it, 10 a minute for an
 * unidentified client, 200 for one with a compliant User-Agent or a new authenticated account, 2,000
 * for an established account. Without a token factsync takes the lowest, as Wikimedia decides which
 * class a client is in; with one, 200.
 */
export const ANONYMOUS_BUDGET_PER_MINUTE = 10;
export const TOKEN_BUDGET_PER_MINUTE = 200;

/**
 * Requests a minute all workers may send together. `auto` never holds an hourly figure set higher than
 * 60 of its minutes below it: whoever raised budgetPerHour (a private mirror, the tests) gets the minute
 * to match.
 */
export function budgetPerMinute(config: Pick<Config, 'http' | 'wikidata'>): number {
  if (config.http.budgetPerMinute !== 'auto') return config.http.budgetPerMinute;
  const documented = config.wikidata.token ? TOKEN_BUDGET_PER_MINUTE : ANONYMOUS_BUDGET_PER_MINUTE;
  return Math.max(documented, Math.ceil(budgetPerHour(config) / 60));
}

/** Requests an hour all workers may send together. */
export function budgetPerHour(config: Pick<Config, 'http' | 'wikidata'>): number {
  if (config.http.budgetPerHour !== 'auto') return config.http.budgetPerHour;
  return config.wikidata.token ? TOKEN_BUDGET_PER_HOUR : ANONYMOUS_BUDGET_PER_HOUR;
}
