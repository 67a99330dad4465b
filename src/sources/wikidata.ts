// Wikidata: items (wbgetentities, URLs built with wikibase-sdk), cheap revision checks
// (query&prop=info), recent revisions (query&prop=revisions), and labels of referenced items (cached). Ids are validated before batching —
// one invalid id makes the real API fail its whole batch — and each batch fails alone.

import { WBK } from 'wikibase-sdk';
import type { FieldSpec } from '../model/fields.js';
import { type ItemId, isItemId, itemIdProblem } from '../model/ids.js';
import type { ItemLabels, ItemLookup, ItemRevision } from '../model/remote.js';
import { withoutCredentials } from '../text/redact.js';
import { believed, type Fetched, inBatches } from './batches.js';
import type { JsonClient } from './http.js';
import type { LabelCache } from './label-cache.js';
import { historyEnvelopeProblem, type ItemEdit, parseHistory } from './wikidata-history.js';
import { parseEntities, parseLabels, parseRevisions } from './wikidata-parse.js';
import { entitiesEnvelopeProblem, type Problem, queryEnvelopeProblem } from './wikidata-validate.js';

export interface WikidataOptions {
  /** The client, or one job's view of it (HttpClient.with). */
  http: JsonClient;
  /** The site, such as https://www.wikidata.org; the Action API is at {url}/w/api.php. */
  url: string;
  languages: readonly string[];
  fields: readonly FieldSpec[];
  labelCache?: LabelCache;
  /** Ids a request: 50, or 500 for an account with apihighlimits. */
  batchSize?: number;
}

type Props = 'info' | 'labels' | 'descriptions' | 'aliases' | 'claims' | 'sitelinks' | 'sitelinks/urls';

/** Only the props the configured fields need (SPEC §8): no sitelinks without a page field, and so on. */
export function propsFor(fields: readonly FieldSpec[]): Props[] {
  const props = new Set<Props>(['info']);
  for (const field of fields) {
    if (field.source === 'statement') props.add('claims');
    if (field.source === 'label') props.add('labels').add('aliases');
    if (field.source === 'description') props.add('descriptions');
    if (field.source === 'sitelink') props.add('sitelinks/urls');
  }
  return [...props];
}

export class WikidataSource {
  readonly api: string;
  private readonly wbk: ReturnType<typeof WBK>;
  private readonly batchSize: number;
  /** The properties the statement fields compare: the only statements the diff reads. */
  private readonly statementProperties: ReadonlySet<string>;
  /** The site as evidence links name it (no credentials): built once, used for every finding. */
  private readonly linkSite: string;

  constructor(private readonly options: WikidataOptions) {
    const site = options.url.replace(/\/+$/, '');
    this.api = `${site}/w/api.php`;
    this.wbk = WBK({ instance: site, sparqlEndpoint: `${site}/sparql` });
    this.batchSize = options.batchSize ?? 50;
    this.linkSite = withoutCredentials(site);
    this.statementProperties = new Set(
      options.fields.flatMap((field) =>
        field.source === 'statement' && field.property ? [field.property] : [],
      ),
    );
  }

  /** The item's page: evidence links point here (with `#statementId` for a statement). */
  itemUrl(id: ItemId, statementId?: string): string {
    return `${this.linkSite}/wiki/${id}${statementId ? `#${encodeURIComponent(statementId)}` : ''}`;
  }

  /** `wbgetentities` for `ids`; `sites` (such as ["enwiki"]) narrows the sitelinks asked for. */
  async fetchItems(
    ids: readonly string[],
    sites: readonly string[] = [],
  ): Promise<Fetched<ItemId, ItemLookup>> {
    const { valid, rejected } = validate(ids);
    const props = propsFor(this.options.fields).filter((p) => !p.startsWith('sitelinks') || sites.length > 0);
    const result = await inBatches(valid, this.batchSize, async (batch) => {
      const url = this.entitiesUrl(batch, props);
      if (sites.length > 0) url.searchParams.set('sitefilter', sites.join('|'));
      const body = await this.answer(url, 'wbgetentities', entitiesEnvelopeProblem);
      const parsed = parseEntities(body, batch, { properties: this.statementProperties, withInfo: true });
      return believed(parsed, 'wbgetentities', url);
    });
    return { ...result, rejected };
  }

  /** Each item's `lastrevid` and merges, without content: the nightly check that an item is unchanged. */
  async revisions(ids: readonly string[]): Promise<Fetched<ItemId, ItemRevision>> {
    const { valid, rejected } = validate(ids);
    const result = await inBatches(valid, this.batchSize, async (batch) => {
      const url = this.queryUrl({ prop: 'info', titles: batch.join('|'), redirects: '1' });
      const body = await this.answer(url, 'query-info', queryEnvelopeProblem);
      return believed(parseRevisions(body, batch), 'query-info', url);
    });
    return { ...result, rejected };
  }

  /**
   * Revisions by id, with their time, summary and parent (`prop=revisions&revids=…`): what the
   * cooling-off guard reads of items edited recently, walking back one revision per request.
   */
  async history(revids: readonly number[]): Promise<Fetched<string, ItemEdit>> {
    const valid = [...new Set(revids)].filter((id) => Number.isSafeInteger(id) && id > 0);
    const result = await inBatches(valid, this.batchSize, async (batch) => {
      const url = this.queryUrl({
        prop: 'revisions',
        revids: batch.join('|'),
        rvprop: 'ids|timestamp|comment',
      });
      const body = await this.answer(url, 'query-revisions', historyEnvelopeProblem);
      return believed(parseHistory(body, batch), 'query-revisions', url);
    });
    return { ...result, rejected: [] };
  }

  /** Labels and aliases of referenced items, from the cache where it has them. */
  async labels(ids: readonly string[]): Promise<Fetched<ItemId, ItemLabels>> {
    const { valid, rejected } = validate([...new Set(ids)]);
    const cached = (await this.options.labelCache?.get(valid)) ?? new Map<ItemId, ItemLabels>();
    const wanted = valid.filter((id) => !cached.has(id));
    const fetched = await inBatches(wanted, this.batchSize, async (batch) => {
      const url = this.entitiesUrl(batch, ['labels', 'aliases']);
      const body = await this.answer(url, 'wbgetentities-labels', entitiesEnvelopeProblem);
      return believed(parseLabels(body, batch), 'wbgetentities-labels', url);
    });
    await this.options.labelCache?.put(fetched.found);
    return { found: new Map([...cached, ...fetched.found]), failures: fetched.failures, rejected };
  }

  /**
   * The JSON of `url`, its envelope checked by the HTTP layer: an answer with no `entities` or no `query`
   * is retried there like any malformed answer, then fails its batch.
   */
  private answer(url: URL, endpoint: string, envelope: (body: unknown) => Problem): Promise<unknown> {
    return this.options.http.getJson<unknown>(url, endpoint, { check: envelope });
  }

  /** An `action=query` request in formatversion 2, with maxlag. */
  private queryUrl(params: Record<string, string>): URL {
    const url = new URL(this.api);
    url.search = new URLSearchParams({
      action: 'query',
      ...params,
      format: 'json',
      formatversion: '2',
      maxlag: '5',
    }).toString();
    return url;
  }

  private entitiesUrl(batch: readonly ItemId[], props: readonly Props[]): URL {
    // wikibase-sdk builds the URL; ids are set afterwards so a 500-id batch (apihighlimits) does not
    // trip its 50-id warning. `mul` is always asked for: since 2024 a name that is the same in every
    // language lives there, not under `en`. No `languagefallback`: it would list other languages' terms
    // under the configured ones.
    const built = this.wbk.getEntities({
      ids: batch.slice(0, 1),
      languages: [...new Set([...this.options.languages, 'mul'])],
      props: props as Parameters<typeof this.wbk.getEntities>[0]['props'],
    });
    const url = new URL(built);
    url.searchParams.set('ids', batch.join('|'));
    url.searchParams.set('maxlag', '5');
    return url;
  }
}

function validate(ids: readonly string[]): {
  valid: ItemId[];
  rejected: Array<{ id: string; reason: string }>;
} {
  const valid: ItemId[] = [];
  const rejected: Array<{ id: string; reason: string }> = [];
  for (const id of new Set(ids)) {
    if (isItemId(id)) valid.push(id);
    else rejected.push({ id, reason: itemIdProblem(id) ?? 'invalid id' });
  }
  return { valid, rejected };
}
