// Configuration: config/default.yaml, overlaid by `--config FILE`, overlaid by environment variables,
// validated once at start-up. The only module that reads process.env. A bad value throws ConfigError,
// which the CLI turns into exit code 2 and a message naming the key, what it expects and where it came from.
// The public entry point: the schema lives in config-schema.ts, the merging of layers in config-tree.ts,
// and what may be shown of a secret value in config-secrets.ts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { type Config, type RawConfig, schema } from './config-schema.js';
import { shownValue } from './config-secrets.js';
import { getKey, overlay, setKey, type Tree } from './config-tree.js';
import type { FieldSpec } from './model/fields.js';
import { redactSecrets, secretValuesInYaml, withoutValues } from './text/redact.js';

export { type Config, MIN_TOKEN_LENGTH } from './config-schema.js';
export { redactedConfig } from './config-secrets.js';
export { redactUrl } from './text/redact.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULTS_FILE = path.join(PROJECT_ROOT, 'config', 'default.yaml');

const packageVersion = (): string =>
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Environment variables and the keys they set (SPEC §7). */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  REDIS_URL: 'redis.url',
  FACTSYNC_PREFIX: 'redis.prefix',
  FACTSYNC_REDIS_CLUSTER: 'redis.cluster',
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
