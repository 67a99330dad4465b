// `action=wbgetentities`, in the legacy envelope `{"entities":{…},"success":1}` (API:Wbgetentities):
// each entity cut down to the requested props, languages and sites; missing ids as
// `{"id","missing":""}` (also under formatversion=2, as captured); merged items keyed by the requested
// id with the target's data and `"redirects":{from,to}` (wdtk_wbgetentities-Q32063953.json); an
// invalid id fails the whole request with `no-such-entity` (wdtk_wbgetentities-bogus.json).

import {
  type ApiAnswer,
  type ApiRequest,
  apiError,
  flag,
  MULTI_VALUE_LIMIT,
  param,
  tooManyValues,
} from './api.js';
import { apiJson, JsonPieces } from './http.js';
import type { FakeStore } from './store.js';
import { splitValues } from './titles.js';
import type { Entity, Sitelink, Term } from './types.js';

const DEFAULT_PROPS = 'info|sitelinks|aliases|labels|descriptions|claims|datatype';
const COMMA = Buffer.from(',');
const ENTITY_ID = /^[QP][1-9]\d*$/;
/**
 * Explicit fallbacks of a language (MediaWiki's `$fallback`), for the few the fake knows: those shown
 * by Wikibase's own GetEntitiesTest ("Oslo Fallback": sli and de-formal fall back to de). Any other
 * language goes straight to the implicit ones.
 */
const EXPLICIT_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  'de-formal': ['de'],
  sli: ['de'],
};

/**
 * The languages whose term stands in for `language` under `languagefallback`, in order, as Wikibase's
 * LanguageFallbackChainFactory::buildFromLanguage builds it: the language, its explicit fallbacks,
 * then the implicit `mul` and `en` (addImplicitFallbacksToChain), each once. So en → [en, mul],
 * mul → [mul, en], vi → [vi, mul, en]. Script variants (zh, sr) are not modelled.
 */
export function fallbackChain(language: string): string[] {
  return [...new Set([language, ...(EXPLICIT_FALLBACKS[language] ?? []), 'mul', 'en'])];
}

export interface EntityFilter {
  readonly props: ReadonlySet<string>;
  readonly languages?: ReadonlySet<string>;
  readonly languageFallback: boolean;
  readonly sites?: ReadonlySet<string>;
}

/** A term standing in for another language, in the member order ResultBuilder writes it. */
interface Substitute {
  readonly value: string;
  readonly language: string;
  readonly 'for-language': string;
}

/**
 * Labels or descriptions as wbgetentities shows them (ResultBuilder::getModifiedEntityArray): the
 * entity's own terms in its own order, then, with languagefallback, one substitute for each requested
 * language that has none, then everything outside `languages` dropped. Aliases never get substitutes
 * (addEntitySerializationFallbackInfo handles labels and descriptions only).
 */
function terms(
  all: Readonly<Record<string, Term>> | undefined,
  filter: EntityFilter,
): Record<string, Term | Substitute> {
  const { languages } = filter;
  if (!languages) return { ...all };
  const out: Record<string, Term | Substitute> = {};
  for (const [language, term] of Object.entries(all ?? {})) if (languages.has(language)) out[language] = term;
  if (!filter.languageFallback) return out;
  for (const language of languages) {
    if (all?.[language]) continue;
    const source = fallbackChain(language).find((code) => all?.[code]);
    const term = source === undefined ? undefined : all?.[source];
    if (term) out[language] = { value: term.value, language: term.language, 'for-language': language };
  }
  return out;
}

/** `https://en.wikipedia.org/wiki/Title_with_underscores` for a sitelink, as `sitelinks/urls` adds it. */
export function sitelinkUrl(site: string, title: string): string {
  const match =
    /^(.+?)(wiki|wikiquote|wikisource|wikivoyage|wiktionary|wikibooks|wikinews|wikiversity)$/.exec(site);
  const lang = (match?.[1] ?? site).replace(/_/g, '-');
  const project = !match || match[2] === 'wiki' ? 'wikipedia' : match[2];
  const host =
    lang === 'commons' || lang === 'meta' || lang === 'species'
      ? `${lang}.wikimedia.org`
      : `${lang}.${project}.org`;
  const path = encodeURIComponent(title.replace(/ /g, '_')).replace(/%(3A|2F|2C|40|24|3B)/g, (kept) =>
    decodeURIComponent(kept),
  );
  return `https://${host}/wiki/${path}`;
}

/** One entity as wbgetentities shows it under `filter`; `redirect` when it was reached through a merge. */
export function shapeEntity(
  entity: Entity,
  filter: EntityFilter,
  redirect?: { from: string; to: string },
): Record<string, unknown> {
  const { props } = filter;
  const out: Record<string, unknown> = {};
  if (props.has('info')) {
    for (const key of ['pageid', 'ns', 'title', 'lastrevid', 'modified'] as const) {
      if (entity[key] !== undefined) out[key] = entity[key];
    }
  }
  if (redirect) out.redirects = redirect;
  out.type = entity.type;
  if (props.has('datatype') && entity.datatype) out.datatype = entity.datatype;
  out.id = entity.id;
  if (props.has('labels')) out.labels = terms(entity.labels, filter);
  if (props.has('descriptions')) out.descriptions = terms(entity.descriptions, filter);
  if (props.has('aliases')) {
    const aliases: Record<string, readonly Term[]> = {};
    for (const [language, list] of Object.entries(entity.aliases ?? {})) {
      if (!filter.languages || filter.languages.has(language)) aliases[language] = list;
    }
    out.aliases = aliases;
  }
  if (props.has('claims')) out.claims = entity.claims ?? {};
  if (props.has('sitelinks') || props.has('sitelinks/urls')) {
    const sitelinks: Record<string, Sitelink> = {};
    for (const [site, link] of Object.entries(entity.sitelinks ?? {})) {
      if (filter.sites && !filter.sites.has(site)) continue;
      // Captures made with sitelinks/urls carry a url; it is shown only when asked for.
      const { url: _url, ...plain } = link;
      sitelinks[site] = props.has('sitelinks/urls')
        ? { ...plain, url: sitelinkUrl(site, link.title) }
        : plain;
    }
    out.sitelinks = sitelinks;
  }
  return out;
}

function noSuchEntity(request: ApiRequest, id: string): ApiAnswer {
  const info = `Could not find an entity with the ID "${id}".`;
  return apiError(request, 'wbgetentities', 'no-such-entity', info, {
    id,
    messages: [{ name: 'wikibase-api-no-such-entity', parameters: [id], html: { '*': info } }],
  });
}

function setOf(value: string | undefined): Set<string> | undefined {
  return value === undefined ? undefined : new Set(splitValues(value));
}

export function wbgetentities(request: ApiRequest, store: FakeStore): ApiAnswer {
  const ids = [...new Set(splitValues(param(request, 'ids')))];
  const sites = splitValues(param(request, 'sites'));
  const titles = splitValues(param(request, 'titles'));
  if (ids.length === 0 && (sites.length === 0 || titles.length === 0))
    return apiError(
      request,
      'wbgetentities',
      'param-missing',
      'Either provide the item "ids" or pairs of "sites" and "titles" for corresponding pages',
    );
  if (ids.length > MULTI_VALUE_LIMIT) return tooManyValues(request, 'wbgetentities', 'ids');
  if (titles.length > MULTI_VALUE_LIMIT) return tooManyValues(request, 'wbgetentities', 'titles');
  const bad = ids.find((id) => !ENTITY_ID.test(id));
  if (bad !== undefined) return noSuchEntity(request, bad);

  const filter: EntityFilter = {
    props: new Set(splitValues(param(request, 'props') ?? DEFAULT_PROPS)),
    ...(request.params.has('languages') ? { languages: setOf(param(request, 'languages')) } : {}),
    languageFallback: flag(request, 'languagefallback'),
    ...(request.params.has('sitefilter') ? { sites: setOf(param(request, 'sitefilter')) } : {}),
  };
  // `redirects=no` treats merged items like deleted ones (GetEntities help).
  const follow = param(request, 'redirects') !== 'no';
  // Each entity is serialised as soon as it is shaped, so a batch of fifty big generated items never
  // holds fifty object graphs at once: they die young, which is what the garbage collector is fast at
  // (kept until the batch was serialised whole, they cost more to collect than to build).
  const entities = new Map<string, Buffer>();
  const put = (key: string, entity: unknown) =>
    entities.set(key, Buffer.from(`${JSON.stringify(key)}:${apiJson(entity, request.fv2)}`, 'utf8'));
  for (const id of ids) put(id, entityOrMissing(store, id, filter, follow));
  // Lookups by page: `sites=enwiki&titles=…` (one site, many titles), as wdtk's missing capture shows.
  const site = sites.length === 1 ? sites[0] : undefined;
  if (site) {
    const lang = site.replace(/wiki$/, '');
    let missingKey = 0;
    for (const title of titles) {
      const qid = store.getPage(lang, title)?.wikibaseItem;
      if (qid && store.lookupPage(qid).kind !== 'missing')
        put(qid, entityOrMissing(store, qid, filter, follow));
      else put(String(--missingKey), { site, title, missing: '' });
    }
  }
  // A Map keeps the first place of a key set twice, as an object does (no key here is an array index).
  const pieces: Buffer[] = [Buffer.from('{"entities":{')];
  for (const member of entities.values()) {
    if (pieces.length > 1) pieces.push(COMMA);
    pieces.push(member);
  }
  pieces.push(Buffer.from('},"success":1}'));
  return { status: 200, body: new JsonPieces(pieces), endpoint: 'wbgetentities' };
}

function entityOrMissing(
  store: FakeStore,
  id: string,
  filter: EntityFilter,
  follow: boolean,
): Record<string, unknown> {
  // A labels request shows no statements, so a generated item is built without them.
  const options = { claims: filter.props.has('claims') };
  let found = store.items.lookup(id, options);
  if (found.kind === 'redirect' && !follow) return { id, missing: '' };
  let target = id;
  for (let hops = 0; found.kind === 'redirect' && hops < 5; hops++) {
    target = found.to;
    found = store.items.lookup(target, options);
  }
  if (found.kind !== 'item') return { id, missing: '' };
  return shapeEntity(found.entity, filter, target === id ? undefined : { from: id, to: target });
}
