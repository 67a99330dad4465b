// The one config overlay for tests: the project defaults with no environment leaking in from the
// machine, the settings every install needs against the fake Wikimedia (its URLs, a private Redis
// prefix, a budget out of the way), and a writer for the --config file the CLI children get.

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { FakeWikimedia } from '../../dev/fake-wikimedia/src/index.js';
import { type Config, loadConfig } from '../../src/config.js';
import { isClusterUrl, REDIS_URL } from './redis.js';

export const INSTALL_USER_AGENT = 'factsync-tests/1.0 (tests@example.org)';

/** A config file's tree: nested objects, as YAML writes them. */
export type Tree = Record<string, unknown>;

const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `top` over `base`, nested objects merged key by key (as the loader overlays a --config file). */
export function overlay(base: Tree, top: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(top))
    out[key] = isTree(value) && isTree(out[key]) ? overlay(out[key] as Tree, value) : value;
  return out;
}

/** The project defaults under dotted `overrides`, with no environment variable read. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  // On the suite's Redis Cluster (FACTSYNC_REDIS_CLUSTER=true), a config on it says so.
  const url = overrides['redis.url'] ?? loadConfig({ env: {} }).redis.url;
  const cluster =
    isClusterUrl(String(url)) && !('redis.cluster' in overrides) ? { 'redis.cluster': true } : {};
  return loadConfig({ env: {}, overrides: { ...cluster, ...overrides } });
}

/**
 * The settings of a test install against the fake: its URLs, the shared Redis under a private prefix
 * (none given: the default prefix, for a private redis-server), a budget out of the way.
 */
export function fakeSettings(fake: FakeWikimedia, prefix?: string): Record<string, unknown> {
  return {
    'redis.url': REDIS_URL,
    ...(prefix === undefined ? {} : { 'redis.prefix': prefix }),
    'wikidata.url': fake.wikidataUrl,
    'wikipedia.url': fake.wikipediaUrl,
    'http.userAgent': INSTALL_USER_AGENT,
    'http.ratePerSecond': 1000,
    'http.budgetPerHour': 10_000_000,
  };
}

/** The same for a CLI child, as environment variables (the rest comes from its --config file). */
export function fakeEnv(
  fake: Pick<FakeWikimedia, 'wikidataUrl' | 'wikipediaUrl'>,
  redis: { url?: string; prefix?: string } = {},
): Record<string, string> {
  return {
    ...(redis.url ? { REDIS_URL: redis.url } : {}),
    ...(isClusterUrl(redis.url) ? { FACTSYNC_REDIS_CLUSTER: 'true' } : {}),
    ...(redis.prefix ? { FACTSYNC_PREFIX: redis.prefix } : {}),
    WIKIDATA_URL: fake.wikidataUrl,
    WIKIPEDIA_URL: fake.wikipediaUrl,
    FACTSYNC_USER_AGENT: INSTALL_USER_AGENT,
  };
}

/** Writes `tree` as a --config file at `file`; returns `file`. */
export function writeConfigFile(file: string, tree: Tree): string {
  writeFileSync(file, stringify(tree));
  return file;
}
