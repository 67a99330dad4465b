// The remote sources as the configuration describes them: one HTTP client (its politeness shared by
// all workers through Redis), Wikidata with its label cache, and Wikipedia. A unit of work (a batch
// job, a run's planning) asks through sources of its own, `sources.with(hooks)`: the same sources over
// its view of the one client, so its requests are counted for it (http.ts, RequestHooks).

import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { budgetPerHour, budgetPerMinute, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { escapeRegExp } from '../model/values.js';
import { type BudgetLimits, budgetLimits } from './budget.js';
import { ChangeFeedSource } from './feed.js';
import { HttpClient, type JsonClient, type RequestHooks } from './http.js';
import { redisGate } from './http-gate.js';
import { redisLabelCache } from './label-cache.js';
import { WikidataSource } from './wikidata.js';
import { WikipediaSource } from './wikipedia.js';

/** The sources as one unit of work asks them: every request through the same client or view of it. */
export interface RemoteSources {
  readonly wikidata: WikidataSource;
  readonly wikipedia: WikipediaSource;
  /** Titles a revision check request and rows a change-feed request: more with apihighlimits. */
  readonly limits: { readonly titles: number; readonly rows: number };
  /** The change feed of Wikidata (`wikidata`) or of a Wikipedia language (`en`). */
  feed(wiki: string): ChangeFeedSource;
}

export interface Sources extends RemoteSources {
  readonly http: HttpClient;
  /** The same sources over `http.with(hooks)`: what one job asks through (cheap: no new connections). */
  with(hooks: RequestHooks): RemoteSources;
  close(): Promise<void>;
}

const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;

/** The request budget the configuration sets (http.budgetPerMinute under http.budgetPerHour). */
export function configuredBudget(config: Pick<Config, 'http' | 'wikidata'>): BudgetLimits {
  return budgetLimits(budgetPerMinute(config), budgetPerHour(config));
}

/** Whether the User-Agent is still the shipped placeholder (Wikimedia asks for a real contact). */
export const isPlaceholderUserAgent = (userAgent: string) => userAgent.includes('contact unset');

/**
 * Advice for whoever runs a command with the shipped User-Agent, once a command (a notice). Wikimedia's
 * User-Agent policy asks every client for a name and a contact; since mid-2025 clients without one are
 * rate-limited, then blocked ("Enforcement of the Wikimedia User-Agent policy", wikitech-l, 30 July
 * 2025; https://foundation.wikimedia.org/wiki/Policy:Wikimedia_Foundation_User-Agent_Policy).
 */
export const PLACEHOLDER_USER_AGENT =
  'set FACTSYNC_USER_AGENT (http.userAgent) to name yourself, such as "mytool/1.0 (https://example.org; me@example.org)": Wikimedia asks every client for a name and a contact, and rate-limits or blocks those without one';

/** Hosts that may receive the Wikimedia token: the configured Wikidata host and Wikipedia hosts. */
function tokenHosts(config: Config): (url: URL) => boolean {
  const wikidata = new URL(config.wikidata.url).host;
  const template = new URL(config.wikipedia.url.replaceAll('{lang}', 'xlangx')).host;
  const wikipedia = new RegExp(`^${escapeRegExp(template).replaceAll('xlangx', '[a-z0-9-]+')}$`);
  return (url) => url.host === wikidata || wikipedia.test(url.host);
}

/**
 * With a token whose account has `apihighlimits`, Wikidata takes 500 ids a request instead of 50.
 * Asked once at start-up; any doubt means 50.
 */
async function batchSizeFor(config: Config, http: HttpClient, log: Logger): Promise<number> {
  if (!config.wikidata.token) return 50;
  try {
    const url = new URL(`${config.wikidata.url.replace(/\/+$/, '')}/w/api.php`);
    url.search = 'action=query&meta=userinfo&uiprop=rights&format=json&formatversion=2';
    const body = await http.getJson<{ query?: { userinfo?: { rights?: string[] } } }>(url, 'userinfo');
    return body.query?.userinfo?.rights?.includes('apihighlimits') ? 500 : 50;
  } catch (error) {
    log.warn({ err: error }, 'could not read the token account rights; using batches of 50');
    return 50;
  }
}

/**
 * `sharedPrefix`: the Redis prefix every store on this Redis shares (StoreScope.shared): the request
 * budget is Wikimedia's count of this client, and labels of referenced items are Wikidata's facts —
 * neither belongs to one store.
 */
export async function createSources(
  config: Config,
  deps: { redis: Redis; log: Logger; sharedPrefix: string },
): Promise<Sources> {
  if (isPlaceholderUserAgent(config.http.userAgent)) deps.log.warn({ notice: true }, PLACEHOLDER_USER_AGENT);
  const http = new HttpClient({
    userAgent: config.http.userAgent,
    undiciVersion,
    ...(config.wikidata.token ? { token: config.wikidata.token } : {}),
    sendTokenTo: tokenHosts(config),
    timeoutMs: config.http.timeoutMs,
    maxBodyBytes: config.http.maxBodyBytes,
    retries: config.http.retries,
    concurrency: config.http.concurrency,
    maxWaitMs: config.http.maxWaitMs,
    gate: redisGate(deps.redis, {
      prefix: deps.sharedPrefix,
      concurrency: config.http.concurrency,
      ratePerSecond: config.http.ratePerSecond,
      budget: configuredBudget(config),
      // A killed worker's slot comes back after this: long enough for a request that answers within
      // the timeout, short enough not to stall every other worker for minutes.
      leaseMs: config.http.timeoutMs + 5_000,
    }),
    log: deps.log.child({ component: 'http' }),
  });
  const titles = await batchSizeFor(config, http, deps.log);
  const labelCache = redisLabelCache(
    deps.redis,
    deps.sharedPrefix,
    config.wikidata.labelTtlSeconds,
    config.wikidata.url,
  );
  const rows = titles > 50 ? 5_000 : 500;
  const over = (client: JsonClient): RemoteSources => {
    const wikidata = new WikidataSource({
      http: client,
      url: config.wikidata.url,
      languages: config.languages,
      fields: config.fields,
      labelCache,
      batchSize: titles,
    });
    const wikipedia = new WikipediaSource({ http: client, url: config.wikipedia.url });
    const feed = (wiki: string) =>
      wiki === 'wikidata'
        ? new ChangeFeedSource(client, wikidata.api, 'recentchanges', rows)
        : new ChangeFeedSource(client, `${wikipedia.site(wiki)}/w/api.php`, 'wikipedia-recentchanges', rows);
    return { wikidata, wikipedia, limits: { titles, rows }, feed };
  };
  return {
    ...over(http),
    http,
    with: (hooks) => over(http.with(hooks)),
    close: () => http.close(),
  };
}
